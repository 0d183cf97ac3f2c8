import Foundation
import SwitchboardCore
import Testing

@testable import Storage

@Suite struct QueueStateStoreTests {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("switchboard-queue-state-\(UUID().uuidString)")

    func path() throws -> String {
        try DataDirectory(path: root.path, process: "distributor-1").storePath(QueueStateStore.fileName)
    }

    func record(_ id: String, state: ConversationState = .open) -> ConversationRecord {
        ConversationRecord(
            id: id, queue: "billing", workStream: "chat", state: state, arrivedAtMs: 1_000, arrivalIndex: 7,
            agentID: state == .active ? "ada" : nil,
            held: state == .active ? Reservation(id: "\(id)#1", agentID: "ada", units: 1, grantSequence: 4) : nil,
            pending: state == .open
                ? PendingOffer(offerID: "\(id)#2", reservation: Reservation(id: "\(id)#2", agentID: "grace", units: 1, grantSequence: 9), stage: .offered, expiresAtMs: 61_000)
                : nil,
            declines: ["linus": 2], attempts: 2, receivedThrough: 3, receivedAhead: [5], forwardedThrough: 1)
    }

    @Test func recordsSurviveReopening() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let delivery = StoredDelivery(messageID: Array(repeating: 1, count: 16), conversationID: "c1", sequence: 1, payload: [1, 2, 3])
        do {
            let store = try QueueStateStore(path: try path())
            try await store.commit(QueueStateChange(conversations: [record("c1"), record("c2", state: .active)], deliveries: [delivery]))
        }
        let store = try QueueStateStore(path: try path())
        let loaded = try await store.conversations().sorted { $0.id < $1.id }
        #expect(loaded == [record("c1"), record("c2", state: .active)])
        #expect(try await store.delivery(messageID: delivery.messageID) == delivery)
        #expect(try await store.delivery(messageID: Array(repeating: 2, count: 16)) == nil)
    }

    @Test func aLaterChangeOfAConversationReplacesIt() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try QueueStateStore(path: try path())
        try await store.commit(QueueStateChange(conversations: [record("c1")]))
        try await store.commit(QueueStateChange(conversations: [record("c1", state: .active)]))
        #expect(try await store.conversations() == [record("c1", state: .active)])
    }

    @Test func deliveriesAreDedupedByMessageIDAndReadByConversationSequence() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try QueueStateStore(path: try path())
        let deliveries = (1...4).map { n in
            StoredDelivery(messageID: [UInt8](repeating: UInt8(n), count: 16), conversationID: "c1", sequence: UInt64(n), payload: [UInt8(n)])
        }
        try await store.commit(QueueStateChange(deliveries: deliveries.reversed()))
        // The same id again (a resend) changes nothing.
        var repeated = deliveries[0]
        repeated.payload = [99]
        try await store.commit(QueueStateChange(deliveries: [repeated]))
        #expect(try await store.deliveries(conversationID: "c1", sequences: 2...3) == Array(deliveries[1...2]))
        #expect(try await store.delivery(messageID: deliveries[0].messageID)?.payload == [1])
    }

    @Test func aPurgedConversationsDeliveriesGoOnlyOnceOlderThanTheCutoffAndALiveOnesStay() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try QueueStateStore(path: try path())
        func delivery(_ n: UInt8, of id: String) -> StoredDelivery {
            StoredDelivery(messageID: [UInt8](repeating: n, count: 16), conversationID: id, sequence: UInt64(n), payload: [n])
        }
        let (live, gone) = (delivery(1, of: "c1"), delivery(2, of: "c2"))
        try await store.commit(QueueStateChange(conversations: [record("c1"), record("c2", state: .closed)], deliveries: [live, gone]))
        try await store.commit(QueueStateChange(purged: ["c2"]))
        #expect(try await store.conversations().map(\.id) == ["c1"])
        #expect(try await store.delivery(messageID: gone.messageID) == gone, "kept to recognise a late resend")

        let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
        #expect(try await store.forgetDeliveries(storedBeforeMs: nowMs - 60_000) == 0, "too recent")
        #expect(try await store.forgetDeliveries(storedBeforeMs: nowMs + 1_000) == 1)
        #expect(try await store.delivery(messageID: gone.messageID) == nil)
        #expect(try await store.delivery(messageID: live.messageID) == live, "its conversation is still here")
    }

    @Test func concurrentCommitsShareTransactionsAndAllReturnAfterTheirCommit() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try QueueStateStore(path: try path())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<200 {
                group.addTask { try await store.commit(QueueStateChange(conversations: [record("c\(n)")])) }
            }
            try await group.waitForAll()
        }
        #expect(try await store.conversations().count == 200)
        let transactions = store.transactionCount
        #expect(transactions < 200, "group commit: \(transactions) transactions for 200 commits")
    }

    @Test func onlyTheLastForwardedRepliesAreKept() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try QueueStateStore(path: try path())
        let kept = QueueStateStore.forwardedRepliesKept
        func reply(_ n: Int) -> ForwardedReply {
            ForwardedReply(messageID: withUnsafeBytes(of: UInt64(n).bigEndian, Array.init) + [UInt8](repeating: 0, count: 8), payload: [1])
        }
        let every = QueueStateStore.trimEvery
        try await store.commit(QueueStateChange(forwardedReplies: (1...kept).map(reply)))
        #expect(try await store.forwardedReply(messageID: reply(1).messageID) == reply(1))
        // Trimmed in runs (decisions §49): a few more rows are all kept, until the next run.
        try await store.commit(QueueStateChange(forwardedReplies: (kept + 1...kept + 5).map(reply)))
        #expect(try await store.forwardedReply(messageID: reply(1).messageID) == reply(1))
        try await store.commit(QueueStateChange(forwardedReplies: (kept + 6...kept + every).map(reply)))
        for n in [1, every] { #expect(try await store.forwardedReply(messageID: reply(n).messageID) == nil, "reply \(n) forgotten") }
        #expect(try await store.forwardedReply(messageID: reply(every + 1).messageID) == reply(every + 1))
        #expect(try await store.forwardedReply(messageID: reply(kept + every).messageID) == reply(kept + every))
    }

    @Test func answeredActionsAreReadBackAndOnlyTheLastAreKept() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try QueueStateStore(path: try path())
        let kept = QueueStateStore.answeredActionsKept
        func answered(_ n: Int) -> AnsweredAction {
            AnsweredAction(key: withUnsafeBytes(of: UInt64(n).bigEndian, Array.init) + [UInt8](repeating: 0, count: 8), payload: [2])
        }
        try await store.commit(QueueStateChange(answeredActions: (1...kept).map(answered)))
        #expect(try await store.answeredAction(key: answered(1).key) == answered(1))
        // A second answer under the same id (never expected) does not replace the first.
        try await store.commit(QueueStateChange(answeredActions: [AnsweredAction(key: answered(2).key, payload: [9])]))
        #expect(try await store.answeredAction(key: answered(2).key) == answered(2))
        // Beyond the kept ones, the oldest go in runs of `trimEvery` (decisions §49).
        let every = QueueStateStore.trimEvery
        try await store.commit(QueueStateChange(answeredActions: (kept + 1...kept + 5).map(answered)))
        #expect(Set(try await store.answeredActionKeys()) == Set((1...kept + 5).map { answered($0).key }))
        try await store.commit(QueueStateChange(answeredActions: (kept + 6...kept + every).map(answered)))
        for n in [1, every] { #expect(try await store.answeredAction(key: answered(n).key) == nil, "answer \(n) forgotten") }
        #expect(try await store.answeredAction(key: answered(every + 1).key) == answered(every + 1))
        #expect(try await store.answeredAction(key: answered(kept + every).key) == answered(kept + every))
        // What a restarted distributor reads at start: the keys of exactly the kept answers.
        let keys = Set(try await store.answeredActionKeys())
        #expect(keys == Set((every + 1...kept + every).map { answered($0).key }))
    }

    @Test func aFreshStoreHasNoAnsweredActionKeys() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try QueueStateStore(path: try path())
        #expect(try await store.answeredActionKeys().isEmpty)
    }
}
