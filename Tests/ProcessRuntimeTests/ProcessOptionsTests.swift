import Logging
import Testing

@testable import ProcessRuntime

@Suite struct ProcessOptionsTests {
    @Test func defaultsPointAtTheShippedConfiguration() throws {
        let options = try ProcessOptions.parse([])
        #expect(options.config == "config/switchboard.yaml")
        #expect(options.dataDir == nil)
        #expect(options.logLevel == .info)
        #expect(options.logFormat == .logfmt)
    }

    @Test func flagsOverrideDefaults() throws {
        let options = try ProcessOptions.parse(
            ["--config", "/etc/sb.yaml", "--data-dir", "/var/lib/sb", "--log-level", "debug", "--log-format", "json"])
        #expect(options.config == "/etc/sb.yaml")
        #expect(options.dataDir == "/var/lib/sb")
        #expect(options.logLevel == .debug)
        #expect(options.logFormat == .json)
    }

    @Test func anUnknownLogLevelIsRefused() {
        #expect(throws: (any Error).self) { try ProcessOptions.parse(["--log-level", "loud"]) }
    }
}
