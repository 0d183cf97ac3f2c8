import Foundation
import GRDB

/// The router's journal (design.md, "Durability" step 2): every inbound message, the
/// conversation it joined, and each delivery to a distributor until that distributor acks it.
///
/// Writes go through group commit: writes that arrive while a transaction is committing wait
/// and are committed together in the next one, which starts as soon as the previous one ends
/// (no timer), through a `GroupCommitter`. Each write runs in its own savepoint, so one
/// failing write does not take the others of its group with it; each caller is resumed only
/// after the commit that holds its write, so an ack sent after `recordInbound` returns is an
/// ack of a durable record.
public final class JournalStore: Sendable {
    /// The store's file name in the router's data directory (without `.sqlite`).
    public static let fileName = "journal"

    private let pool: DatabasePool
    private let committer: GroupCommitter
    /// Transactions committed (tests check that concurrent writes share them).
    var commitCount: Int { committer.transactionCount }

    /// `commits`: where group commits run (the process's event loop; nil: a task on Swift's pool).
    public init(path: String, commits: CommitSchedule? = nil) throws(StorageError) {
        pool = try StoreDatabase.open(path: path, migrations: Self.migrations)
        committer = GroupCommitter(pool: pool, label: "journal", schedule: commits)
    }

    // MARK: inbound messages and conversations

    /// Records an inbound message (R1, R3) and the delivery that forwards it, in one write.
    ///
    /// - A repeated `messageID`, or a repeated (channel instance, provider message id), is a
    ///   duplicate: nothing changes and the original conversation id is returned.
    /// - Otherwise the message joins the open conversation of the same customer on the same
    ///   channel instance, or opens `newConversation` (its id, work stream and queue are used
    ///   only then). The delivery gets the conversation's next sequence number, the queue of
    ///   the conversation, and the payload `makePayload` builds from that (run inside the
    ///   write, so it must be quick and pure).
    public func recordInbound(
        _ inbound: JournalInbound, newConversation: JournalNewConversation, deliveryID: Data, nowMs: Int64,
        makePayload: @escaping @Sendable (JournalDeliveryDraft) throws -> Data
    ) async throws(StorageError) -> JournalInboundOutcome {
        try await committer.submit(Self.inboundWrite(inbound, newConversation: newConversation, deliveryID: deliveryID, nowMs: nowMs, makePayload: makePayload))
    }

    /// `recordInbound` without waiting: the write joins the next group and `completion` runs
    /// after its commit. Completions run in the order writes were enqueued, so a caller that
    /// enqueues in arrival order (and does not await each commit) gets group commit and still
    /// acks and forwards in arrival order.
    public func enqueueInbound(
        _ inbound: JournalInbound, newConversation: JournalNewConversation, deliveryID: Data, nowMs: Int64,
        makePayload: @escaping @Sendable (JournalDeliveryDraft) throws -> Data,
        completion: @escaping @Sendable (Result<JournalInboundOutcome, StorageError>) -> Void
    ) {
        committer.enqueue(
            Self.inboundWrite(inbound, newConversation: newConversation, deliveryID: deliveryID, nowMs: nowMs, makePayload: makePayload),
            completion: completion)
    }

    private static func inboundWrite(
        _ inbound: JournalInbound, newConversation: JournalNewConversation, deliveryID: Data, nowMs: Int64,
        makePayload: @escaping @Sendable (JournalDeliveryDraft) throws -> Data
    ) -> @Sendable (Database) throws -> JournalInboundOutcome {
        { db in
            if let original = try String.fetchOne(
                try db.cachedStatement(sql: """
                    SELECT conversation_id FROM inbound_message
                    WHERE message_id = ? OR (channel_instance = ? AND provider_message_id = ?) LIMIT 1
                    """),
                arguments: [inbound.messageID, inbound.channelInstance, inbound.providerMessageID])
            {
                return .duplicate(conversationID: original)
            }

            let conversation: JournalConversation
            let isNew: Bool
            if let open = try JournalConversation.fetchOpen(db, channelInstance: inbound.channelInstance, customerKey: inbound.customerKey) {
                conversation = open.updated(messageCount: open.messageCount + 1, nowMs: nowMs)
                isNew = false
                try db.executeCached(
                    sql: "UPDATE conversation SET message_count = ?, updated_at_ms = ? WHERE id = ?",
                    arguments: [conversation.messageCount, nowMs, conversation.id])
            } else {
                conversation = JournalConversation(
                    id: newConversation.id, channelInstance: inbound.channelInstance, customerKey: inbound.customerKey,
                    workStream: newConversation.workStream, queue: newConversation.queue,
                    routingRule: newConversation.routingRule, state: .open, createdAtMs: nowMs, updatedAtMs: nowMs,
                    messageCount: 1)
                isNew = true
                try conversation.insertCached(db)
            }

            try db.executeCached(
                sql: """
                    INSERT INTO inbound_message
                      (message_id, channel_instance, provider_message_id, conversation_id, received_at_ms, payload)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    inbound.messageID, inbound.channelInstance, inbound.providerMessageID, conversation.id,
                    inbound.receivedAtMs, inbound.payload,
                ])

            let draft = JournalDeliveryDraft(
                messageID: deliveryID, conversationID: conversation.id, workStream: conversation.workStream,
                queue: conversation.queue, routingRule: conversation.routingRule,
                kind: isNew ? .newConversation : .followUp, sequence: Int64(conversation.messageCount))
            let delivery = JournalDelivery(draft: draft, state: .pending, payload: try makePayload(draft))
            try db.executeCached(
                sql: """
                    INSERT INTO delivery (message_id, conversation_id, queue, kind, sequence, state, payload, created_at_ms)
                    VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)
                    """,
                arguments: [
                    delivery.messageID, delivery.conversationID, delivery.queue, delivery.kind.rawValue,
                    delivery.sequence, delivery.payload, nowMs,
                ])
            return .accepted(conversation: conversation, delivery: delivery, isNewConversation: isNew)
        }
    }

    /// Closes a conversation: the customer's next message opens a new one (R1).
    /// False when it was not open.
    @discardableResult
    public func closeConversation(id: String, nowMs: Int64) async throws(StorageError) -> Bool {
        try await write { db in
            try db.executeCached(
                sql: "UPDATE conversation SET state = 'closed', updated_at_ms = ? WHERE id = ? AND state = 'open'",
                arguments: [nowMs, id])
            return db.changesCount > 0
        }
    }

    /// D8 across distributors: moves a conversation to `queue` and makes every delivery of it
    /// pending again for that queue under a fresh message id (`newID()`), in one transaction.
    /// Returns how many deliveries became pending again (they were acked by the old owner);
    /// nil when the conversation is unknown. Moving it to the queue it is in changes nothing (a resend).
    public func transferConversation(
        id: String, toQueue queue: String, nowMs: Int64, newID: @escaping @Sendable () -> Data
    ) async throws(StorageError) -> Int? {
        try await write { db in
            guard let conversation = try JournalConversation.fetchOne(db, key: id) else { return nil }
            guard conversation.queue != queue else { return 0 }
            try db.executeCached(sql: "UPDATE conversation SET queue = ?, updated_at_ms = ? WHERE id = ?", arguments: [queue, nowMs, id])
            let rows = try Row.fetchAll(try db.cachedStatement(sql: "SELECT id, state FROM delivery WHERE conversation_id = ? ORDER BY sequence"), arguments: [id])
            var reopened = 0
            for row in rows {
                if (row["state"] as String?) == "acked" { reopened += 1 }
                try db.executeCached(
                    sql: "UPDATE delivery SET queue = ?, state = 'pending', message_id = ?, acked_at_ms = NULL WHERE id = ?",
                    arguments: [queue, newID(), row["id"] as Int64])
            }
            return reopened
        }
    }

    /// Forgets up to `limit` conversations closed before `cutoffMs` whose deliveries have all
    /// been acknowledged: their row, their inbound messages and their deliveries go, oldest
    /// first, in one transaction. Returns how many conversations went.
    ///
    /// This bounds R3: a provider id is recognised as a duplicate for at least as long as
    /// the cutoff lies behind now (it arrived before its conversation closed), not for ever
    /// (decisions §33). Open conversations, and closed ones with a delivery still pending,
    /// are kept whatever their age.
    public func forgetClosedConversations(closedBeforeMs cutoffMs: Int64, limit: Int = 1_000) async throws(StorageError) -> Int {
        try await write { db in
            let ids = try String.fetchAll(
                try db.cachedStatement(sql: """
                    SELECT c.id FROM conversation c
                    WHERE c.state = 'closed' AND c.updated_at_ms < ?
                      AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.conversation_id = c.id AND d.state = 'pending')
                    ORDER BY c.updated_at_ms LIMIT ?
                    """),
                arguments: [cutoffMs, limit])
            for id in ids {
                try db.executeCached(sql: "DELETE FROM delivery WHERE conversation_id = ?", arguments: [id])
                try db.executeCached(sql: "DELETE FROM inbound_message WHERE conversation_id = ?", arguments: [id])
                try db.executeCached(sql: "DELETE FROM conversation WHERE id = ?", arguments: [id])
            }
            return ids.count
        }
    }

    /// Conversations the journal holds, open and closed (tests and the sweep's log).
    public func conversationCount() async throws(StorageError) -> Int {
        try await read { db in try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM conversation")) ?? 0 }
    }

    public func conversation(id: String) async throws(StorageError) -> JournalConversation? {
        try await read { db in try JournalConversation.fetchOne(db, key: id) }
    }

    /// Whether the file answers a query (for `/healthz`).
    public func isHealthy() async -> Bool {
        (try? await read { db in try Int.fetchOne(try db.cachedStatement(sql: "SELECT 1")) }) == 1
    }

    // MARK: deliveries

    /// Marks a delivery acknowledged by its distributor. False when it was unknown or
    /// already acknowledged (a repeated ack).
    @discardableResult
    public func markDelivered(_ messageID: Data, nowMs: Int64) async throws(StorageError) -> Bool {
        try await committer.submit(Self.markDeliveredWrite(messageID, nowMs: nowMs))
    }

    /// `markDelivered` without waiting for the commit (acks arriving together share one).
    public func enqueueMarkDelivered(
        _ messageID: Data, nowMs: Int64, completion: @escaping @Sendable (Result<Bool, StorageError>) -> Void
    ) {
        committer.enqueue(Self.markDeliveredWrite(messageID, nowMs: nowMs), completion: completion)
    }

    private static func markDeliveredWrite(_ messageID: Data, nowMs: Int64) -> @Sendable (Database) throws -> Bool {
        { db in
            try db.executeCached(
                sql: "UPDATE delivery SET state = 'acked', acked_at_ms = ? WHERE message_id = ? AND state = 'pending'",
                arguments: [nowMs, messageID])
            return db.changesCount > 0
        }
    }

    /// Unacknowledged deliveries of a queue in journal order (which keeps each
    /// conversation's sequence order): what goes to the queue's next owner.
    public func pendingDeliveries(queue: String) async throws(StorageError) -> [JournalDelivery] {
        try await read { db in
            try JournalDelivery.fetchAll(
                try db.cachedStatement(sql: """
                    SELECT message_id, conversation_id, queue, kind, sequence, state, payload,
                           (SELECT work_stream FROM conversation WHERE id = conversation_id) AS work_stream,
                           (SELECT routing_rule FROM conversation WHERE id = conversation_id) AS routing_rule
                    FROM delivery WHERE queue = ? AND state = 'pending' ORDER BY id
                    """),
                arguments: [queue])
        }
    }

    /// Inbound messages recorded (the fuzzer reconciles it with the SubmitAcks it got).
    public func inboundMessageCount() async throws(StorageError) -> Int {
        try await read { db in try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM inbound_message")) ?? 0 }
    }

    public func pendingDeliveryCount() async throws(StorageError) -> Int {
        try await read { db in try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM delivery WHERE state = 'pending'")) ?? 0 }
    }

    /// Unacknowledged deliveries per queue (operators' `/status`); queues without any are absent.
    public func pendingDeliveryCountsByQueue() async throws(StorageError) -> [String: Int] {
        try await read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(try db.cachedStatement(sql: "SELECT queue, COUNT(*) AS count FROM delivery WHERE state = 'pending' GROUP BY queue")) {
                counts[row["queue"]] = row["count"]
            }
            return counts
        }
    }

    public func delivery(_ messageID: Data) async throws(StorageError) -> JournalDelivery? {
        try await read { db in
            try JournalDelivery.fetchOne(
                try db.cachedStatement(sql: """
                    SELECT message_id, conversation_id, queue, kind, sequence, state, payload,
                           (SELECT work_stream FROM conversation WHERE id = conversation_id) AS work_stream,
                           (SELECT routing_rule FROM conversation WHERE id = conversation_id) AS routing_rule
                    FROM delivery WHERE message_id = ?
                    """),
                arguments: [messageID])
        }
    }

    /// The schema's index names (tests check migrations).
    func indexNames() async throws(StorageError) -> Set<String> {
        try await read { db in
            Set(try String.fetchAll(try db.cachedStatement(sql: "SELECT name FROM sqlite_master WHERE type = 'index'")))
        }
    }

    // MARK: group commit

    private func write<T: Sendable>(_ operation: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        try await committer.submit(operation)
    }

    private func read<T: Sendable>(_ operation: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do {
            return try pool.readHere(operation)
        } catch {
            throw StorageError(code: .readFailed, message: "journal read failed", cause: error)
        }
    }

    // MARK: schema

    static let migrations: [StoreMigration] = [
        StoreMigration("journal-v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE conversation (
                      id TEXT PRIMARY KEY NOT NULL,
                      channel_instance TEXT NOT NULL,
                      customer_key TEXT NOT NULL,
                      work_stream TEXT NOT NULL,
                      queue TEXT NOT NULL,
                      routing_rule TEXT,
                      state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
                      created_at_ms INTEGER NOT NULL,
                      updated_at_ms INTEGER NOT NULL,
                      message_count INTEGER NOT NULL
                    );
                    -- R1: at most one open conversation per customer and channel instance.
                    CREATE UNIQUE INDEX conversation_open ON conversation (channel_instance, customer_key)
                      WHERE state = 'open';

                    CREATE TABLE inbound_message (
                      message_id BLOB PRIMARY KEY NOT NULL,
                      channel_instance TEXT NOT NULL,
                      provider_message_id TEXT NOT NULL,
                      conversation_id TEXT NOT NULL REFERENCES conversation (id),
                      received_at_ms INTEGER NOT NULL,
                      payload BLOB NOT NULL,
                      UNIQUE (channel_instance, provider_message_id)
                    );

                    CREATE TABLE delivery (
                      id INTEGER PRIMARY KEY,  -- journal order
                      message_id BLOB NOT NULL UNIQUE,
                      conversation_id TEXT NOT NULL REFERENCES conversation (id),
                      queue TEXT NOT NULL,
                      kind TEXT NOT NULL CHECK (kind IN ('newConversation', 'followUp')),
                      sequence INTEGER NOT NULL,
                      state TEXT NOT NULL CHECK (state IN ('pending', 'acked')),
                      payload BLOB NOT NULL,
                      created_at_ms INTEGER NOT NULL,
                      acked_at_ms INTEGER,
                      UNIQUE (conversation_id, sequence)
                    );
                    CREATE INDEX delivery_pending ON delivery (queue, id) WHERE state = 'pending';
                    """)
        },
        // Forgetting closed conversations (decisions §33) finds them by age and their
        // messages by conversation without a scan.
        StoreMigration("journal-v2") { db in
            try db.execute(
                sql: """
                    CREATE INDEX conversation_closed ON conversation (updated_at_ms) WHERE state = 'closed';
                    CREATE INDEX inbound_message_conversation ON inbound_message (conversation_id);
                    """)
        },
        // Keyed by its id alone: a rowid table with a text key is two b-trees (the rows and the
        // key's index), so every new and every forgotten conversation wrote one more page
        // (decisions §49). The partial indexes go with the old table and are made again.
        StoreMigration("journal-v3-conversation-without-rowid") { db in
            try db.execute(
                sql: """
                    CREATE TABLE conversation_by_id (
                      id TEXT PRIMARY KEY NOT NULL,
                      channel_instance TEXT NOT NULL,
                      customer_key TEXT NOT NULL,
                      work_stream TEXT NOT NULL,
                      queue TEXT NOT NULL,
                      routing_rule TEXT,
                      state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
                      created_at_ms INTEGER NOT NULL,
                      updated_at_ms INTEGER NOT NULL,
                      message_count INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    INSERT INTO conversation_by_id
                      SELECT id, channel_instance, customer_key, work_stream, queue, routing_rule, state,
                             created_at_ms, updated_at_ms, message_count
                      FROM conversation;
                    DROP TABLE conversation;
                    ALTER TABLE conversation_by_id RENAME TO conversation;
                    CREATE UNIQUE INDEX conversation_open ON conversation (channel_instance, customer_key)
                      WHERE state = 'open';
                    CREATE INDEX conversation_closed ON conversation (updated_at_ms) WHERE state = 'closed';
                    """)
        },
    ]
}

// MARK: records

/// An inbound message as the journal keeps it.
public struct JournalInbound: Sendable, Hashable {
    /// The ingress Submit's message id (16 bytes): the primary key.
    public var messageID: Data
    public var channelInstance: String
    public var providerMessageID: String
    /// Who the customer is on that channel instance (the customer address).
    public var customerKey: String
    public var receivedAtMs: Int64
    /// The message as received (opaque to the journal).
    public var payload: Data

    public init(
        messageID: Data, channelInstance: String, providerMessageID: String, customerKey: String,
        receivedAtMs: Int64, payload: Data
    ) {
        self.messageID = messageID
        self.channelInstance = channelInstance
        self.providerMessageID = providerMessageID
        self.customerKey = customerKey
        self.receivedAtMs = receivedAtMs
        self.payload = payload
    }
}

/// What a message opens when it starts a conversation (R2: its queue is decided once).
public struct JournalNewConversation: Sendable, Hashable {
    public var id: String
    public var workStream: String
    public var queue: String
    /// The matched rule; nil = fallback queue.
    public var routingRule: String?

    public init(id: String, workStream: String, queue: String, routingRule: String?) {
        self.id = id
        self.workStream = workStream
        self.queue = queue
        self.routingRule = routingRule
    }
}

public enum JournalConversationState: String, Sendable, Hashable {
    case open, closed
}

public struct JournalConversation: Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "conversation"

    public var id: String
    public var channelInstance: String
    public var customerKey: String
    public var workStream: String
    public var queue: String
    public var routingRule: String?
    public var state: JournalConversationState
    public var createdAtMs: Int64
    public var updatedAtMs: Int64
    public var messageCount: Int

    // Throwing decodes: a damaged file is an error, never a trap.
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        channelInstance = try row.decode(forColumn: "channel_instance")
        customerKey = try row.decode(forColumn: "customer_key")
        workStream = try row.decode(forColumn: "work_stream")
        queue = try row.decode(forColumn: "queue")
        routingRule = try row.decode(forColumn: "routing_rule")
        state = try JournalRowValue.decode(JournalConversationState.self, row, "state")
        createdAtMs = try row.decode(forColumn: "created_at_ms")
        updatedAtMs = try row.decode(forColumn: "updated_at_ms")
        messageCount = try row.decode(forColumn: "message_count")
    }

    init(
        id: String, channelInstance: String, customerKey: String, workStream: String, queue: String,
        routingRule: String?, state: JournalConversationState, createdAtMs: Int64, updatedAtMs: Int64, messageCount: Int
    ) {
        self.id = id
        self.channelInstance = channelInstance
        self.customerKey = customerKey
        self.workStream = workStream
        self.queue = queue
        self.routingRule = routingRule
        self.state = state
        self.createdAtMs = createdAtMs
        self.updatedAtMs = updatedAtMs
        self.messageCount = messageCount
    }

    public func encode(to container: inout PersistenceContainer) {
        container["id"] = id
        container["channel_instance"] = channelInstance
        container["customer_key"] = customerKey
        container["work_stream"] = workStream
        container["queue"] = queue
        container["routing_rule"] = routingRule
        container["state"] = state.rawValue
        container["created_at_ms"] = createdAtMs
        container["updated_at_ms"] = updatedAtMs
        container["message_count"] = messageCount
    }

    /// The row inserted through a cached statement: the record's `insert` builds its
    /// arguments through a persistence container on every call, a few per cent of the
    /// router's CPU for each new conversation.
    func insertCached(_ db: Database) throws {
        try db.executeCached(
            sql: """
                INSERT INTO conversation
                  (id, channel_instance, customer_key, work_stream, queue, routing_rule, state, created_at_ms, updated_at_ms, message_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, channelInstance, customerKey, workStream, queue, routingRule, state.rawValue, createdAtMs, updatedAtMs,
                messageCount,
            ])
    }

    static func fetchOpen(_ db: Database, channelInstance: String, customerKey: String) throws -> JournalConversation? {
        try fetchOne(
            try db.cachedStatement(sql: "SELECT * FROM conversation WHERE channel_instance = ? AND customer_key = ? AND state = 'open'"),
            arguments: [channelInstance, customerKey])
    }

    func updated(messageCount: Int, nowMs: Int64) -> JournalConversation {
        var copy = self
        copy.messageCount = messageCount
        copy.updatedAtMs = nowMs
        return copy
    }
}

public enum JournalDeliveryKind: String, Sendable, Hashable {
    case newConversation, followUp
}

public enum JournalDeliveryState: String, Sendable, Hashable {
    case pending, acked
}

/// What `makePayload` of `recordInbound` builds a delivery's payload from.
public struct JournalDeliveryDraft: Sendable, Hashable {
    public var messageID: Data
    public var conversationID: String
    public var workStream: String
    public var queue: String
    public var routingRule: String?
    public var kind: JournalDeliveryKind
    /// 1, 2, 3, ... per conversation.
    public var sequence: Int64
}

/// A delivery to the distributor owning `queue`, resent with the same id until acked.
public struct JournalDelivery: Sendable, Hashable, FetchableRecord {
    public var messageID: Data
    public var conversationID: String
    public var workStream: String
    public var queue: String
    public var routingRule: String?
    public var kind: JournalDeliveryKind
    public var sequence: Int64
    public var state: JournalDeliveryState
    /// The message to send (opaque to the journal).
    public var payload: Data

    init(draft: JournalDeliveryDraft, state: JournalDeliveryState, payload: Data) {
        messageID = draft.messageID
        conversationID = draft.conversationID
        workStream = draft.workStream
        queue = draft.queue
        routingRule = draft.routingRule
        kind = draft.kind
        sequence = draft.sequence
        self.state = state
        self.payload = payload
    }

    public init(row: Row) throws {
        messageID = try row.decode(forColumn: "message_id")
        conversationID = try row.decode(forColumn: "conversation_id")
        workStream = try row.decode(String?.self, forColumn: "work_stream") ?? ""
        queue = try row.decode(forColumn: "queue")
        routingRule = try row.decode(forColumn: "routing_rule")
        kind = try JournalRowValue.decode(JournalDeliveryKind.self, row, "kind")
        sequence = try row.decode(forColumn: "sequence")
        state = try JournalRowValue.decode(JournalDeliveryState.self, row, "state")
        payload = try row.decode(forColumn: "payload")
    }
}

/// Reads the journal's text enums, failing on a value this build does not know.
enum JournalRowValue {
    static func decode<Value: RawRepresentable<String>>(_ type: Value.Type, _ row: Row, _ column: String) throws -> Value {
        let raw: String = try row.decode(forColumn: column)
        guard let value = Value(rawValue: raw) else {
            throw StorageError(code: .readFailed, message: "journal column \(column) has unknown value '\(raw)'")
        }
        return value
    }
}

public enum JournalInboundOutcome: Sendable, Hashable {
    /// Recorded now, with the delivery that forwards it.
    case accepted(conversation: JournalConversation, delivery: JournalDelivery, isNewConversation: Bool)
    /// Seen before (same message id, or same channel instance and provider message id).
    case duplicate(conversationID: String)

    public var conversationID: String {
        switch self {
        case .accepted(let conversation, _, _): conversation.id
        case .duplicate(let id): id
        }
    }
}
