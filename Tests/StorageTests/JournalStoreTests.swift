import Foundation
import Testing

@testable import Storage

@Suite struct JournalStoreTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-journal-\(UUID().uuidString)")

    func open() throws -> JournalStore {
        try JournalStore(path: try DataDirectory(path: root.path, process: "router").storePath("journal"))
    }

    static func id(_ counter: UInt8) -> Data { Data(repeating: 0xab, count: 15) + Data([counter]) }

    static func inbound(_ counter: UInt8, provider: String? = nil, customer: String = "alice", channel: String = "web-chat") -> JournalInbound {
        JournalInbound(
            messageID: id(counter), channelInstance: channel, providerMessageID: provider ?? "p\(counter)",
            customerKey: customer, receivedAtMs: 1_000, payload: Data("message \(counter)".utf8))
    }

    static func newConversation(_ id: String, queue: String = "support") -> JournalNewConversation {
        JournalNewConversation(id: id, workStream: "web", queue: queue, routingRule: nil)
    }

    /// Records with delivery id 0x80+counter and a payload naming kind and sequence.
    static func record(_ journal: JournalStore, _ inbound: JournalInbound, opening conversation: String, queue: String = "support") async throws -> JournalInboundOutcome {
        let counter = inbound.messageID.last ?? 0
        return try await journal.recordInbound(
            inbound, newConversation: newConversation(conversation, queue: queue), deliveryID: id(0x80 | counter), nowMs: 2_000
        ) { draft in Data("\(draft.kind.rawValue)#\(draft.sequence)".utf8) }
    }

    @Test func aFirstMessageOpensAConversationWithAPendingDelivery() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try open()
        let outcome = try await Self.record(journal, Self.inbound(1), opening: "c1", queue: "vip")
        guard case .accepted(let conversation, let delivery, let isNew) = outcome else {
            Issue.record("expected accepted, got \(outcome)")
            return
        }
        #expect(isNew)
        #expect(conversation.id == "c1" && conversation.queue == "vip" && conversation.state == .open && conversation.messageCount == 1)
        #expect(delivery.kind == .newConversation && delivery.sequence == 1 && delivery.state == .pending)
        #expect(delivery.payload == Data("newConversation#1".utf8))
        #expect(try await journal.pendingDeliveries(queue: "vip") == [delivery])
        #expect(try await journal.pendingDeliveryCount() == 1)
    }

    @Test func r1AMessageJoinsTheOpenConversationOfTheSameCustomerOnTheSameChannel() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try open()
        _ = try await Self.record(journal, Self.inbound(1), opening: "c1", queue: "vip")
        // The routing decision for the follow-up (queue billing) is not used: the conversation keeps its queue.
        let second = try await Self.record(journal, Self.inbound(2), opening: "unused", queue: "billing")
        let otherCustomer = try await Self.record(journal, Self.inbound(3, customer: "bob"), opening: "c3")
        let otherChannel = try await Self.record(journal, Self.inbound(4, channel: "sms-main"), opening: "c4")

        guard case .accepted(let conversation, let delivery, let isNew) = second else {
            Issue.record("expected accepted, got \(second)")
            return
        }
        #expect(!isNew && conversation.id == "c1" && conversation.messageCount == 2)
        #expect(delivery.kind == .followUp && delivery.sequence == 2 && delivery.queue == "vip")
        #expect(otherCustomer.conversationID == "c3")
        #expect(otherChannel.conversationID == "c4")
        #expect(try await journal.pendingDeliveries(queue: "vip").map(\.sequence) == [1, 2])
    }

    @Test func r1AfterCloseTheNextMessageOpensANewConversation() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try open()
        _ = try await Self.record(journal, Self.inbound(1), opening: "c1")
        #expect(try await journal.closeConversation(id: "c1", nowMs: 3_000))
        #expect(try await !journal.closeConversation(id: "c1", nowMs: 3_000))
        let next = try await Self.record(journal, Self.inbound(2), opening: "c2")
        #expect(next.conversationID == "c2")
        #expect(try await journal.conversation(id: "c1")?.state == .closed)
    }

    @Test func r3ARepeatedMessageIDIsADuplicateAndChangesNothing() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try open()
        _ = try await Self.record(journal, Self.inbound(1), opening: "c1")
        let again = try await Self.record(journal, Self.inbound(1), opening: "c2")
        #expect(again == .duplicate(conversationID: "c1"))
        #expect(try await journal.conversation(id: "c1")?.messageCount == 1)
        #expect(try await journal.conversation(id: "c2") == nil)
        #expect(try await journal.pendingDeliveryCount() == 1)
    }

    @Test func r3ARepeatedProviderMessageIDOnTheSameChannelIsADuplicate() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try open()
        _ = try await Self.record(journal, Self.inbound(1, provider: "wamid.1"), opening: "c1")
        let stored = try await Self.record(journal, Self.inbound(2, provider: "wamid.1"), opening: "c2")
        #expect(stored == .duplicate(conversationID: "c1"))
        // The same provider id on another channel instance is another message.
        let elsewhere = try await Self.record(journal, Self.inbound(3, provider: "wamid.1", channel: "sms-main"), opening: "c3")
        #expect(elsewhere.conversationID == "c3")
        #expect(try await journal.pendingDeliveryCount() == 2)
    }

    @Test func markDeliveredOnceAndPendingStaysInOrderPerQueue() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try open()
        _ = try await Self.record(journal, Self.inbound(1), opening: "c1", queue: "vip")
        _ = try await Self.record(journal, Self.inbound(2, customer: "bob"), opening: "c2", queue: "support")
        _ = try await Self.record(journal, Self.inbound(3), opening: "x", queue: "vip")
        #expect(try await journal.markDelivered(Self.id(0x81), nowMs: 5_000))
        #expect(try await !journal.markDelivered(Self.id(0x81), nowMs: 5_000))
        #expect(try await !journal.markDelivered(Self.id(0x7f), nowMs: 5_000))
        #expect(try await journal.pendingDeliveries(queue: "vip").map(\.messageID) == [Self.id(0x83)])
        #expect(try await journal.pendingDeliveries(queue: "support").map(\.conversationID) == ["c2"])
        #expect(try await journal.delivery(Self.id(0x81))?.state == .acked)
    }

    @Test func pendingDeliveriesSurviveReopening() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        do {
            let journal = try open()
            _ = try await Self.record(journal, Self.inbound(1), opening: "c1", queue: "vip")
            _ = try await Self.record(journal, Self.inbound(2), opening: "x", queue: "vip")
            #expect(try await journal.markDelivered(Self.id(0x81), nowMs: 5_000))
        }
        let reopened = try open()
        let pending = try await reopened.pendingDeliveries(queue: "vip")
        #expect(pending.map(\.sequence) == [2])
        #expect(pending.first?.workStream == "web")
        #expect(try await Self.record(reopened, Self.inbound(1), opening: "c9") == .duplicate(conversationID: "c1"))
    }

    @Test func concurrentWritesShareCommitsAndEachIsResumedWithItsOwnOutcome() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try open()
        let count = 200
        let outcomes = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for index in 0..<count {
                group.addTask {
                    let inbound = JournalInbound(
                        messageID: Data(repeating: 1, count: 14) + Data([UInt8(index / 256), UInt8(index % 256)]),
                        channelInstance: "web-chat", providerMessageID: "p\(index)", customerKey: "customer-\(index)",
                        receivedAtMs: 0, payload: Data())
                    let outcome = try await journal.recordInbound(
                        inbound, newConversation: Self.newConversation("c\(index)"),
                        deliveryID: Data(repeating: 2, count: 14) + Data([UInt8(index / 256), UInt8(index % 256)]), nowMs: 0
                    ) { _ in Data() }
                    return (index, outcome.conversationID)
                }
            }
            return try await group.reduce(into: [Int: String]()) { $0[$1.0] = $1.1 }
        }
        #expect(outcomes.count == count)
        #expect(outcomes.allSatisfy { $0.value == "c\($0.key)" })
        let commits = journal.commitCount
        #expect(commits < count)  // grouped: fewer transactions than writes
        #expect(try await journal.pendingDeliveryCount() == count)
    }

    @Test func enqueuedWritesReportTheirOutcomesInEnqueueOrder() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try open()
        let (reports, sink) = AsyncStream.makeStream(of: Int64.self)
        // One customer, so each write is the next message of one conversation: the sequence
        // numbers and the order of the reports must both follow the order of enqueueing.
        for counter in UInt8(1)...50 {
            journal.enqueueInbound(
                Self.inbound(counter), newConversation: Self.newConversation("c1"), deliveryID: Self.id(0x80 | counter), nowMs: 0,
                makePayload: { _ in Data() },
                completion: { result in
                    if case .success(.accepted(_, let delivery, _)) = result { sink.yield(delivery.sequence) }
                })
        }
        var sequences: [Int64] = []
        for await sequence in reports {
            sequences.append(sequence)
            if sequences.count == 50 { break }
        }
        #expect(sequences == Array(1...50))
    }

    @Test func aFailingWriteDoesNotTakeItsGroupWithIt() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try open()
        // Same delivery id twice: the second insert violates UNIQUE and fails alone.
        async let first = journal.recordInbound(
            Self.inbound(1), newConversation: Self.newConversation("c1"), deliveryID: Self.id(0xf0), nowMs: 0) { _ in Data() }
        async let second = journal.recordInbound(
            Self.inbound(2, customer: "bob"), newConversation: Self.newConversation("c2"), deliveryID: Self.id(0xf0), nowMs: 0) { _ in Data() }
        var results: [Result<JournalInboundOutcome, any Error>] = []
        do { results.append(.success(try await first)) } catch { results.append(.failure(error)) }
        do { results.append(.success(try await second)) } catch { results.append(.failure(error)) }
        #expect(results.filter { (try? $0.get()) != nil }.count == 1)
        let failure = results.compactMap { result -> StorageError? in
            if case .failure(let error as StorageError) = result { return error }
            return nil
        }
        #expect(failure.first?.code == .writeFailed)
        #expect(try await journal.pendingDeliveryCount() == 1)
        // The failed message left nothing behind: recording it again (fresh delivery id) is not a duplicate.
        let loser: UInt8 = (try? results[0].get()) == nil ? 1 : 2
        let retry = try await journal.recordInbound(
            Self.inbound(loser, customer: loser == 1 ? "alice" : "bob"), newConversation: Self.newConversation("c\(loser)-retry"),
            deliveryID: Self.id(0xf1), nowMs: 0) { _ in Data() }
        #expect(retry.conversationID == "c\(loser)-retry")
    }
}
