import Testing

@testable import SwitchboardCore

/// `--http` flags accept exactly what `processes.*.http` accepts.
@Suite struct HTTPAddressParsingTests {
    @Test func hostPortFormsParse() {
        #expect(HTTPAddress(parsing: "127.0.0.1:8090") == HTTPAddress(host: "127.0.0.1", port: 8090))
        #expect(HTTPAddress(parsing: "0.0.0.0:80") == HTTPAddress(host: "0.0.0.0", port: 80))
        #expect(HTTPAddress(parsing: "[::1]:8443") == HTTPAddress(host: "::1", port: 8443))
        #expect(HTTPAddress(parsing: "router.internal:9000") == HTTPAddress(host: "router.internal", port: 9000))
    }

    @Test(arguments: ["8090", "localhost", ":8090", "host:0", "host:65536", "host:80a", "[::1", "a:b:80", "host:-1", ""])
    func malformedAddressesAreRefused(text: String) {
        #expect(HTTPAddress(parsing: text) == nil)
    }
}
