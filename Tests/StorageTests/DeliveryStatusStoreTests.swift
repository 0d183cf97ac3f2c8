import Foundation
import Testing

@testable import Storage

@Suite struct DeliveryStatusStoreTests {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("switchboard-statuses-\(UUID().uuidString)")

    func open() throws -> DeliveryStatusStore {
        try DeliveryStatusStore(directory: DataDirectory(path: root.path, process: "ingress-whatsapp"))
    }

    static func status(_ id: String, _ status: String, channel: String = "whatsapp-support", error: String? = nil) -> DeliveryStatus {
        DeliveryStatus(
            channelInstanceID: channel, providerMessageID: id, status: status, recipient: "15550001111",
            providerTimestampMs: 1_717_000_000_000, error: error, correlation: "c-\(id)", receivedAtMs: 1_717_000_001_000)
    }

    @Test func receiptsAreStoredOncePerMessageAndStatusAndSurviveAReopen() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            let store = try open()
            #expect(try await store.record([Self.status("w1", "sent"), Self.status("w1", "delivered"), Self.status("w2", "failed", error: "131047: x")]) == 3)
            // A provider retry of the same receipts, plus one new: only the new one counts.
            #expect(try await store.record([Self.status("w1", "delivered"), Self.status("w1", "read")]) == 1)
            // The same message id on another channel is another message.
            #expect(try await store.record([Self.status("w1", "sent", channel: "whatsapp-export")]) == 1)
            #expect(try await store.record([]) == 0)
        }
        let reopened = try open()
        #expect(try await reopened.all().count == 5)
        #expect(try await reopened.statuses(providerMessageID: "w1").map(\.status) == ["sent", "delivered", "read", "sent"])
        #expect(try await reopened.statuses(providerMessageID: "w2") == [Self.status("w2", "failed", error: "131047: x")])
    }
}
