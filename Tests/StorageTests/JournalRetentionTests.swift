import Foundation
import Testing

@testable import Storage

/// The journal forgets closed conversations past the dedupe window (decisions §33).
@Suite struct JournalRetentionTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-journal-retention-\(UUID().uuidString)")

    func open() throws -> JournalStore {
        try JournalStore(path: try DataDirectory(path: root.path, process: "router").storePath("journal"))
    }

    typealias Journal = JournalStoreTests

    @Test func onlyConversationsClosedBeforeTheCutoffWithNothingPendingAreForgotten() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try open()
        // c1: two messages, both acknowledged, closed at 3 000: forgotten.
        _ = try await Journal.record(journal, Journal.inbound(1), opening: "c1")
        _ = try await Journal.record(journal, Journal.inbound(2), opening: "unused")
        #expect(try await journal.markDelivered(Journal.id(0x81), nowMs: 2_500))
        #expect(try await journal.markDelivered(Journal.id(0x82), nowMs: 2_500))
        #expect(try await journal.closeConversation(id: "c1", nowMs: 3_000))
        // c2: closed at 3 000 with its delivery still pending: kept until it is acknowledged.
        _ = try await Journal.record(journal, Journal.inbound(3, customer: "bob"), opening: "c2")
        #expect(try await journal.closeConversation(id: "c2", nowMs: 3_000))
        // c3: closed after the cutoff: kept.
        _ = try await Journal.record(journal, Journal.inbound(4, customer: "carol"), opening: "c3")
        #expect(try await journal.markDelivered(Journal.id(0x84), nowMs: 2_500))
        #expect(try await journal.closeConversation(id: "c3", nowMs: 9_000))
        // c4: open, however old: kept.
        _ = try await Journal.record(journal, Journal.inbound(5, customer: "dave"), opening: "c4")
        #expect(try await journal.markDelivered(Journal.id(0x85), nowMs: 2_500))

        #expect(try await journal.forgetClosedConversations(closedBeforeMs: 5_000) == 1)
        #expect(try await journal.conversation(id: "c1") == nil)
        #expect(try await journal.delivery(Journal.id(0x81)) == nil)
        #expect(try await journal.delivery(Journal.id(0x82)) == nil)
        #expect(try await journal.inboundMessageCount() == 3)
        #expect(try await journal.conversationCount() == 3)
        #expect(try await journal.conversation(id: "c2")?.state == .closed)
        #expect(try await journal.conversation(id: "c3")?.state == .closed)
        #expect(try await journal.conversation(id: "c4")?.state == .open)
        // Inside the window a provider retry is still a duplicate.
        #expect(try await Journal.record(journal, Journal.inbound(4, customer: "carol"), opening: "c9") == .duplicate(conversationID: "c3"))
        // Past it, the same provider id is a new message (the window's price).
        #expect(try await Journal.record(journal, Journal.inbound(1), opening: "c1-again").conversationID == "c1-again")

        #expect(try await journal.forgetClosedConversations(closedBeforeMs: 5_000) == 0)
        #expect(try await journal.markDelivered(Journal.id(0x83), nowMs: 6_000))
        #expect(try await journal.forgetClosedConversations(closedBeforeMs: 5_000) == 1)
        #expect(try await journal.conversation(id: "c2") == nil)
    }

    @Test func aSweepTakesAtMostItsLimitOldestFirst() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let journal = try open()
        for (counter, closedAt) in [(UInt8(1), Int64(4_000)), (2, 3_000), (3, 3_500)] {
            _ = try await Journal.record(journal, Journal.inbound(counter, customer: "customer-\(counter)"), opening: "c\(counter)")
            #expect(try await journal.markDelivered(Journal.id(0x80 | counter), nowMs: 2_500))
            #expect(try await journal.closeConversation(id: "c\(counter)", nowMs: closedAt))
        }
        #expect(try await journal.forgetClosedConversations(closedBeforeMs: 5_000, limit: 2) == 2)
        #expect(try await journal.conversation(id: "c1")?.state == .closed)
        #expect(try await journal.forgetClosedConversations(closedBeforeMs: 5_000, limit: 2) == 1)
        #expect(try await journal.conversationCount() == 0)
    }

    @Test func aJournalWrittenBeforeTheMigrationGetsItsIndexesAndIsForgottenLikeANewOne() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let path = try DataDirectory(path: root.path, process: "router").storePath("journal")
        do {
            // A journal as the build before v2 left it: one closed, acknowledged conversation.
            let old = try StoreDatabase.open(path: path, migrations: [JournalStore.migrations[0]])
            try await old.write { db in
                try db.execute(sql: """
                    INSERT INTO conversation (id, channel_instance, customer_key, work_stream, queue, routing_rule, state,
                                              created_at_ms, updated_at_ms, message_count)
                      VALUES ('c1', 'web-chat', 'alice', 'web', 'support', NULL, 'closed', 1000, 3000, 1);
                    INSERT INTO inbound_message VALUES (x'01', 'web-chat', 'p1', 'c1', 1000, x'00');
                    INSERT INTO delivery (message_id, conversation_id, queue, kind, sequence, state, payload, created_at_ms, acked_at_ms)
                      VALUES (x'81', 'c1', 'support', 'newConversation', 1, 'acked', x'00', 1000, 2000);
                    """)
            }
        }
        let reopened = try open()
        let indexes = try await reopened.indexNames()
        #expect(indexes.isSuperset(of: ["conversation_open", "conversation_closed", "inbound_message_conversation"]))
        // v3: the conversation moved to a table keyed by id alone, with what it held (§49).
        #expect(!indexes.contains("sqlite_autoindex_conversation_1"))
        #expect(try await reopened.conversation(id: "c1")?.state == .closed)
        #expect(try await reopened.forgetClosedConversations(closedBeforeMs: 5_000) == 1)
        #expect(try await reopened.inboundMessageCount() == 0)
        #expect(try await reopened.delivery(Data([0x81])) == nil)
    }
}
