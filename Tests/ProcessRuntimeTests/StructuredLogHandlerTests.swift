import Foundation
import Logging
import Synchronization
import Testing

@testable import ProcessRuntime

@Suite struct StructuredLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    func logger(_ format: StructuredLogHandler.Format, into lines: Lines) -> Logger {
        Logger(label: "router") { label in
            StructuredLogHandler(label: label, format: format) { lines.append($0) }
        }
    }

    @Test func jsonLinesCarryMetadataAsFieldsAndEscapeText() throws {
        let lines = Lines()
        var logger = logger(.json, into: lines)
        logger[metadataKey: "queue"] = "billing"
        logger.info("conversation \"routed\"\nnext", metadata: ["conversation.id": "c-1", "rule": .stringConvertible(3)])

        let line = try #require(lines.all.first)
        #expect(line.hasSuffix("}\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["msg"] == "conversation \"routed\"\nnext")
        #expect(object["process"] == "router")
        #expect(object["level"] == "info")
        #expect(object["queue"] == "billing")
        #expect(object["conversation.id"] == "c-1")
        #expect(object["rule"] == "3")
    }

    @Test func logfmtQuotesOnlyWhatNeedsIt() throws {
        let lines = Lines()
        let logger = logger(.logfmt, into: lines)
        logger.warning("peer dead", metadata: ["peer": "distributor-1", "reason": "missed 3 heartbeats"])

        let line = try #require(lines.all.first)
        #expect(line.contains(" level=warning process=router msg=\"peer dead\" "))
        #expect(line.contains(" peer=distributor-1 "))
        #expect(line.hasSuffix(" reason=\"missed 3 heartbeats\"\n"))
    }

    @Test func eventMetadataOverridesLoggerMetadata() throws {
        let lines = Lines()
        var logger = logger(.json, into: lines)
        logger[metadataKey: "queue"] = "billing"
        logger.info("moved", metadata: ["queue": "support"])
        let line = try #require(lines.all.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["queue"] == "support")
    }
}
