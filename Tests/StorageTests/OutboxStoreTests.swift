import Foundation
import Testing

@testable import Storage

@Suite struct OutboxStoreTests {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("switchboard-outbox-\(UUID().uuidString)")

    func open() throws -> OutboxStore {
        try OutboxStore(directory: DataDirectory(path: root.path, process: "ingress-custom"))
    }

    static func id(_ counter: UInt8) -> [UInt8] { Array(repeating: 0xab, count: 15) + [counter] }

    static func message(_ counter: UInt8, provider: String, channel: String = "mobile-app") -> OutboxInsert {
        OutboxInsert(
            messageID: id(counter), channelInstanceID: channel, providerMessageID: provider,
            messageType: 0x0101, payload: [1, 2, counter], createdAtMs: 1_000 + Int64(counter))
    }

    @Test func storesARowAndAnswersARepeatedProviderIDWithTheExistingRow() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try open()
        let first = try await store.insert([Self.message(1, provider: "m-1")])
        #expect(first == [OutboxInsertOutcome(messageID: Self.id(1), duplicate: false, sequence: 1)])

        // A provider retry: a fresh id is offered, the stored one is kept.
        let again = try await store.insert([Self.message(2, provider: "m-1")])
        #expect(again == [OutboxInsertOutcome(messageID: Self.id(1), duplicate: true, sequence: 1)])
        // The same provider id on another channel instance is another message.
        let other = try await store.insert([Self.message(3, provider: "m-1", channel: "partner-api")])
        #expect(other.first?.duplicate == false)

        let rows = try await store.allRows()
        #expect(rows.count == 2)
        #expect(rows[0].messageID == Self.id(1))
        #expect(rows[0].payload == [1, 2, 1])
        #expect(rows[0].state == .pending)
        #expect(rows[0].messageType == 0x0101)
        #expect(rows[0].createdAtMs == 1_001)
    }

    @Test func aRepeatWithinOneRequestIsADuplicateOfTheFirst() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try open()
        let outcomes = try await store.insert([Self.message(1, provider: "m-1"), Self.message(2, provider: "m-1")])
        #expect(outcomes.map(\.duplicate) == [false, true])
        #expect(outcomes[1].messageID == Self.id(1))
        #expect(try await store.pendingCount() == 1)
    }

    @Test func settlesInBatchesAndPagesPendingRowsInOrder() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try open()
        for counter in UInt8(1)...5 {
            _ = try await store.insert([Self.message(counter, provider: "m-\(counter)")])
        }
        let changed = try await store.settle(
            [
                OutboxSettlement(messageID: Self.id(2), outcome: .acked(conversationID: "c-1")),
                OutboxSettlement(messageID: Self.id(4), outcome: .rejected(reason: "unknown channel instance")),
                OutboxSettlement(messageID: Self.id(9), outcome: .acked(conversationID: nil)),  // unknown: ignored
            ], atMs: 5_000)
        #expect(changed == 2)
        // A second ack of a settled row changes nothing (a duplicate SubmitAck).
        #expect(try await store.settle([OutboxSettlement(messageID: Self.id(2), outcome: .rejected(reason: "x"))], atMs: 6_000) == 0)

        let firstPage = try await store.pending(after: 0, limit: 2)
        #expect(firstPage.map(\.messageID) == [Self.id(1), Self.id(3)])
        let secondPage = try await store.pending(after: firstPage[1].sequence, limit: 2)
        #expect(secondPage.map(\.messageID) == [Self.id(5)])
        #expect(try await store.pendingCount() == 3)

        let rows = try await store.allRows()
        #expect(rows[1].state == .acked)
        #expect(rows[1].conversationID == "c-1")
        #expect(rows[1].settledAtMs == 5_000)
        #expect(rows[3].state == .rejected)
        #expect(rows[3].reason == "unknown channel instance")
    }

    @Test func prunesOnlyAckedRowsOlderThanTheCutoff() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try open()
        for counter in UInt8(1)...4 {
            _ = try await store.insert([Self.message(counter, provider: "m-\(counter)")])
        }
        try await store.settle([OutboxSettlement(messageID: Self.id(1), outcome: .acked(conversationID: "c"))], atMs: 1_000)
        try await store.settle([OutboxSettlement(messageID: Self.id(2), outcome: .acked(conversationID: "c"))], atMs: 9_000)
        try await store.settle([OutboxSettlement(messageID: Self.id(3), outcome: .rejected(reason: "no"))], atMs: 1_000)
        #expect(try await store.pruneAcked(settledBeforeMs: 5_000) == 1)
        #expect(try await store.allRows().map(\.messageID) == [Self.id(2), Self.id(3), Self.id(4)])
    }

    @Test func pendingRowsSurviveAReopen() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            let store = try open()
            _ = try await store.insert([Self.message(1, provider: "m-1"), Self.message(2, provider: "m-2")])
            try await store.settle([OutboxSettlement(messageID: Self.id(1), outcome: .acked(conversationID: "c"))], atMs: 1)
        }
        let reopened = try open()
        #expect(try await reopened.pending(after: 0, limit: 10).map(\.messageID) == [Self.id(2)])
    }

    @Test func concurrentInsertsShareTransactions() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try open()
        let outcomes = try await withThrowingTaskGroup(of: [OutboxInsertOutcome].self) { group in
            for index in 0..<200 {
                group.addTask {
                    var id = Array(repeating: UInt8(0), count: 14)
                    id += [UInt8(index >> 8), UInt8(index & 0xff)]
                    let message = OutboxInsert(
                        messageID: id, channelInstanceID: "mobile-app", providerMessageID: "m-\(index)",
                        messageType: 0x0101, payload: [], createdAtMs: 0)
                    return try await store.insert([message])
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(outcomes.count == 200)
        #expect(outcomes.allSatisfy { !$0.duplicate })
        #expect(try await store.pendingCount() == 200)
        #expect(store.transactionCount < 200)
    }

    /// No batching timer: a lone write is its own transaction, committed before insert returns.
    /// (Structural, not timed: wall-clock bounds are flaky on a loaded machine.)
    @Test func aLoneWriteCommitsAtOnce() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try open()
        _ = try await store.insert([Self.message(1, provider: "m-1")])
        #expect(store.transactionCount == 1)
        #expect(try await store.pendingCount() == 1)
        _ = try await store.insert([Self.message(2, provider: "m-2")])
        #expect(store.transactionCount == 2)
    }
}

extension OutboxStoreTests {
    /// A leader whose task is cancelled mid-commit (an HTTP client hung up) still commits the
    /// writes of the others in its batch.
    @Test func aCancelledWriterDoesNotFailTheOthersInItsBatch() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try open()
        let cancelled = Task { try await store.insert([Self.message(1, provider: "m-1")]) }
        cancelled.cancel()
        let others = try await withThrowingTaskGroup(of: Bool.self) { group in
            for counter in UInt8(2)...20 {
                group.addTask { try await store.insert([Self.message(counter, provider: "m-\(counter)")]).first?.duplicate == false }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(others.count == 19)
        #expect(others.allSatisfy { $0 })
        _ = try? await cancelled.value
        #expect(try await store.pendingCount() >= 19)
    }
}
