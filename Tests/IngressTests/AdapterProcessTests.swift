import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import SwitchboardCore
import Testing
import Wire

@testable import Ingress

/// The `ingress-custom` process's wiring (secrets, data directory, routes, health),
/// without sockets: the link is the in-memory one of `ForwarderTests`.
@Suite struct AdapterProcessTests {
    func make(environment: [String: String], directory: TemporaryDirectory) throws -> AdapterProcess<ForwarderTests.RecordingLink> {
        let configuration = try TestConfiguration.shipped()
        return try AdapterProcess(
            adapter: try CustomChannelAdapter(configuration: configuration, environment: environment), configuration: configuration,
            dataDirectory: directory.url.path, httpOverride: nil, link: ForwarderTests.RecordingLink(), ids: MessageIDGenerator(),
            registry: PrometheusCollectorRegistry(), logger: Logger(label: "test"))
    }

    @Test func refusesToStartWithoutTheSharedSecret() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let error = #expect(throws: IngressError.self) { try make(environment: [:], directory: directory) }
        #expect(error?.code == .missingSecret)
    }

    @Test func storesUnderItsOwnSubdirectoryAndReportsPendingAndLinkInHealth() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let ingress = try make(environment: ["MOBILE_APP_SHARED_SECRET": TestConfiguration.secret], directory: directory)
        #expect(ingress.process == "ingress-custom")
        #expect(ingress.address == HTTPAddress(host: "127.0.0.1", port: 8085))
        #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("ingress-custom/outbox.sqlite").path))

        let body = CustomIngressFixture.body()
        let signature = CustomChannelSignature(secret: Array(TestConfiguration.secret.utf8)).sign(body: Array(body.utf8), now: Date())
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[try #require(HTTPField.Name(CustomChannelSignature.timestampHeader))] = signature.timestamp
        headers[try #require(HTTPField.Name(CustomChannelSignature.signatureHeader))] = signature.signature
        let request = headers
        try await Application(router: ingress.router).test(.router) { client in
            try await client.execute(
                uri: "/channels/custom/mobile-app/messages", method: .post, headers: request, body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .accepted)
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""checks":{"outbox.pending":"1","router.link":"up"}"#))
            }
        }
        #expect(ingress.services(logger: Logger(label: "test")).count == 2)
    }
}
