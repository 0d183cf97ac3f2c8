import Foundation
import Testing

@testable import Storage

/// The per-queue pending counts operators see in the router's `/status`.
@Suite struct JournalPendingCountsTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-journal-counts-\(UUID().uuidString)")

    @Test func pendingDeliveriesAreCountedPerQueueAndAnAckedOneLeavesTheCount() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try JournalStore(path: try DataDirectory(path: root.path, process: "router").storePath("journal"))
        #expect(try await journal.pendingDeliveryCountsByQueue() == [:])

        _ = try await JournalStoreTests.record(journal, JournalStoreTests.inbound(1), opening: "c1", queue: "vip")
        _ = try await JournalStoreTests.record(journal, JournalStoreTests.inbound(2), opening: "unused", queue: "vip")  // joins c1
        _ = try await JournalStoreTests.record(journal, JournalStoreTests.inbound(3, customer: "bob"), opening: "c2", queue: "support")
        #expect(try await journal.pendingDeliveryCountsByQueue() == ["vip": 2, "support": 1])

        #expect(try await journal.markDelivered(JournalStoreTests.id(0x83), nowMs: 5_000))
        #expect(try await journal.pendingDeliveryCountsByQueue() == ["vip": 2])
    }
}
