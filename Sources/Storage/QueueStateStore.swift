import Foundation
import GRDB
import SwitchboardCore

/// A customer message a distributor received in a Deliver: its wire message id (the dedupe
/// key), its place in the conversation, and the encoded message, kept to hand to the agent.
public struct StoredDelivery: Sendable, Hashable {
    public var messageID: [UInt8]
    public var conversationID: String
    public var sequence: UInt64
    /// Opaque to the store (the distributor stores the wire encoding).
    public var payload: [UInt8]

    public init(messageID: [UInt8], conversationID: String, sequence: UInt64, payload: [UInt8]) {
        self.messageID = messageID
        self.conversationID = conversationID
        self.sequence = sequence
        self.payload = payload
    }
}

/// An agent reply the distributor checked and passed to the router: its message id (the
/// reply's id, stable across resends) and the checked reply's encoding. A resend of it after
/// a restart goes on as checked then, not checked anew (decisions §26).
public struct ForwardedReply: Sendable, Hashable {
    public var messageID: [UInt8]
    /// Opaque to the store (the distributor stores the wire encoding).
    public var payload: [UInt8]

    public init(messageID: [UInt8], payload: [UInt8]) {
        self.messageID = messageID
        self.payload = payload
    }
}

/// An agent action the distributor carried out, and its answer: what identifies the action
/// across resends (the distributor's key: agent, action id, conversation, kind) and the encoded
/// `AgentActionResult`. A resend after the answer was lost, or after a restart, gets this
/// answer again instead of the action being applied anew and refused (decisions §34).
public struct AnsweredAction: Sendable, Hashable {
    public var key: [UInt8]
    /// Opaque to the store (the distributor stores the wire encoding).
    public var payload: [UInt8]

    public init(key: [UInt8], payload: [UInt8]) {
        self.key = key
        self.payload = payload
    }
}

/// What one event changed: written in one transaction, before anything is acted on.
public struct QueueStateChange: Sendable, Hashable {
    public var conversations: [ConversationRecord]
    public var deliveries: [StoredDelivery]
    public var forwardedReplies: [ForwardedReply]
    public var answeredActions: [AnsweredAction]
    /// Conversations whose record is deleted, after `conversations` are written: they left
    /// this distributor and nothing about them is owed. Their deliveries stay for a while
    /// (`forgetDeliveries`): a late resend of one must still be recognised.
    public var purged: [String]

    public init(
        conversations: [ConversationRecord] = [], deliveries: [StoredDelivery] = [], forwardedReplies: [ForwardedReply] = [],
        answeredActions: [AnsweredAction] = [], purged: [String] = []
    ) {
        self.conversations = conversations
        self.deliveries = deliveries
        self.forwardedReplies = forwardedReplies
        self.answeredActions = answeredActions
        self.purged = purged
    }

    public var isEmpty: Bool {
        conversations.isEmpty && deliveries.isEmpty && forwardedReplies.isEmpty && answeredActions.isEmpty && purged.isEmpty
    }
}

/// A distributor's durable queue state (`queue-state.sqlite` in its data directory): the
/// conversations of its queues and the Deliver messages it has recorded.
///
/// Group commit (a `GroupCommitter`): a `commit` that arrives while a transaction runs waits
/// and goes into the next one, which starts as soon as the running one ends; every waiter
/// resumes after the transaction holding its change is durable.
public final class QueueStateStore: Sendable {
    public static let fileName = "queue-state"

    private let pool: DatabasePool
    private let committer: GroupCommitter
    /// Transactions written so far (group commit shows as fewer transactions than commits).
    public var transactionCount: Int { committer.transactionCount }

    /// `commits`: where group commits run (the process's event loop; nil: a task on Swift's pool).
    public init(path: String, commits: CommitSchedule? = nil) throws(StorageError) {
        pool = try StoreDatabase.open(path: path, migrations: Self.migrations)
        committer = GroupCommitter(pool: pool, label: "queue state", schedule: commits)
    }

    static let migrations = [
        StoreMigration("v1-conversations-deliveries") { db in
            try db.execute(sql: """
                CREATE TABLE conversation (
                    id TEXT PRIMARY KEY,
                    queue TEXT NOT NULL,
                    state TEXT NOT NULL,
                    record BLOB NOT NULL
                );
                CREATE INDEX conversation_by_queue_state ON conversation (queue, state);
                CREATE TABLE delivery (
                    message_id BLOB PRIMARY KEY,
                    conversation_id TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    payload BLOB NOT NULL
                );
                CREATE INDEX delivery_by_conversation ON delivery (conversation_id, sequence);
                """)
        },
        StoreMigration("v2-forwarded-replies") { db in
            try db.execute(sql: """
                CREATE TABLE forwarded_reply (
                    seq INTEGER PRIMARY KEY,  -- the rowid: increasing, as only the oldest rows are deleted
                    message_id BLOB NOT NULL UNIQUE,
                    payload BLOB NOT NULL
                );
                """)
        },
        StoreMigration("v3-delivery-stored-at") { db in
            // Rows written before have 0: swept as soon as their conversation is gone.
            try db.execute(sql: """
                ALTER TABLE delivery ADD COLUMN stored_at_ms INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX delivery_by_stored_at ON delivery (stored_at_ms);
                """)
        },
        StoreMigration("v4-answered-actions") { db in
            try db.execute(sql: """
                CREATE TABLE answered_action (
                    seq INTEGER PRIMARY KEY,  -- the rowid: increasing, as only the oldest rows are deleted
                    action_key BLOB NOT NULL UNIQUE,
                    payload BLOB NOT NULL
                );
                """)
        },
        StoreMigration("v5-no-conversation-state-index") { db in
            // No query reads conversations by queue and state (a restart reads them all), and
            // each state change rewrote a page of this index in the commit (decisions §49).
            try db.execute(sql: "DROP INDEX IF EXISTS conversation_by_queue_state")
        },
    ]

    /// Records `change` durably; returns after its transaction committed.
    public func commit(_ change: QueueStateChange) async throws(StorageError) {
        guard !change.isEmpty else { return }
        try await committer.submit { db in try Self.write(change, in: db) }
    }

    /// Queues `change` with the next group commit and returns at once; `failed` runs if its
    /// transaction fails. For changes a crash may lose because their cause comes again (a
    /// purge: the restarted distributor resends the close, and the router's Ack purges again).
    public func enqueue(_ change: QueueStateChange, failed: @escaping @Sendable (StorageError) -> Void) {
        guard !change.isEmpty else { return }
        committer.enqueue({ db in try Self.write(change, in: db) }) { result in
            if case .failure(let error) = result { failed(error) }
        }
    }

    private static func write(_ change: QueueStateChange, in db: Database) throws {
        for record in change.conversations {
            try db.executeCached(
                sql: """
                    INSERT INTO conversation (id, queue, state, record) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET queue = excluded.queue, state = excluded.state, record = excluded.record
                    """,
                arguments: [record.id, record.queue, record.state.rawValue, Data(ConversationRecordJSON.encode(record))])
        }
        for id in change.purged {
            try db.executeCached(sql: "DELETE FROM conversation WHERE id = ?", arguments: [id])
        }
        let nowMs = change.deliveries.isEmpty ? 0 : Int64((Date().timeIntervalSince1970 * 1000).rounded())
        for delivery in change.deliveries {
            try db.executeCached(
                sql: "INSERT OR IGNORE INTO delivery (message_id, conversation_id, sequence, payload, stored_at_ms) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    Data(delivery.messageID), delivery.conversationID, Int64(bitPattern: delivery.sequence), Data(delivery.payload), nowMs,
                ])
        }
        try keep(change.forwardedReplies.map { ($0.messageID, $0.payload) }, in: "forwarded_reply", keyedBy: "message_id", last: Self.forwardedRepliesKept, db)
        try keep(change.answeredActions.map { ($0.key, $0.payload) }, in: "answered_action", keyedBy: "action_key", last: Self.answeredActionsKept, db)
    }

    /// Adds rows to a table that keeps the last `kept` payloads by key: a resend comes within
    /// minutes, and the table must not grow for ever. The trim is a range of the rowid, run
    /// once every `trimEvery` rows rather than after each: each trim rewrote the oldest pages
    /// of the table and of its key's index, two pages more in the commit (decisions §49). So
    /// the table holds between `kept` and `kept + trimEvery` rows.
    private static func keep(
        _ rows: [(key: [UInt8], payload: [UInt8])], in table: String, keyedBy column: String, last kept: Int, _ db: Database
    ) throws {
        var inserted: Int64 = 0
        var newest: Int64 = 0
        for row in rows {
            try db.executeCached(
                sql: "INSERT OR IGNORE INTO \(table) (\(column), payload) VALUES (?, ?)", arguments: [Data(row.key), Data(row.payload)])
            // Only a row this insert added has its rowid here (an ignored one leaves another
            // table's); the rowid goes on from the largest, so the last added is the newest.
            guard db.changesCount > 0 else { continue }
            inserted += 1
            newest = db.lastInsertedRowID
        }
        guard inserted > 0 else { return }
        let every = Int64(trimEvery)
        guard newest / every != (newest - inserted) / every else { return }
        try db.executeCached(sql: "DELETE FROM \(table) WHERE seq <= ?", arguments: [newest - Int64(kept)])
    }

    /// How many rows a kept table may grow by before its oldest beyond the kept ones go.
    static let trimEvery = 256

    /// Deletes up to `limit` deliveries stored before `cutoffMs` whose conversation has no
    /// record any more (purged: it left and nothing about it is owed), oldest first; returns
    /// how many went. Kept until then so a Deliver resent late is still known as a duplicate.
    public func forgetDeliveries(storedBeforeMs cutoffMs: Int64, limit: Int = 10_000) async throws(StorageError) -> Int {
        try await committer.submit { db in
            try db.executeCached(
                sql: """
                    DELETE FROM delivery WHERE rowid IN (
                        SELECT d.rowid FROM delivery d
                        WHERE d.stored_at_ms < ? AND NOT EXISTS (SELECT 1 FROM conversation c WHERE c.id = d.conversation_id)
                        ORDER BY d.stored_at_ms LIMIT ?)
                    """,
                arguments: [cutoffMs, limit])
            return db.changesCount
        }
    }

    /// Every stored conversation (a restart resumes from these).
    public func conversations() async throws(StorageError) -> [ConversationRecord] {
        let blobs: [Data]
        do {
            blobs = try pool.readHere { db in try Data.fetchAll(try db.cachedStatement(sql: "SELECT record FROM conversation")) }
        } catch {
            throw StorageError(code: .readFailed, message: "cannot read conversations", cause: error)
        }
        let decoder = JSONDecoder()
        do {
            return try blobs.map { try decoder.decode(ConversationRecord.self, from: $0) }
        } catch {
            throw StorageError(code: .readFailed, message: "a stored conversation record cannot be decoded", cause: error)
        }
    }

    /// The agent reply recorded as forwarded under `messageID`, if any.
    public func forwardedReply(messageID: [UInt8]) async throws(StorageError) -> ForwardedReply? {
        try keptPayload(in: "forwarded_reply", keyedBy: "message_id", key: messageID, what: "a forwarded reply")
            .map { ForwardedReply(messageID: messageID, payload: $0) }
    }

    /// How many forwarded replies are kept for resends after a restart.
    public static let forwardedRepliesKept = 10_000

    /// The answer recorded for the agent action with `key`, if any.
    public func answeredAction(key: [UInt8]) async throws(StorageError) -> AnsweredAction? {
        try keptPayload(in: "answered_action", keyedBy: "action_key", key: key, what: "an answered agent action")
            .map { AnsweredAction(key: key, payload: $0) }
    }

    /// The keys of every stored action answer (at most `answeredActionsKept`): what the runs
    /// before this one did, read once at start.
    public func answeredActionKeys() async throws(StorageError) -> [[UInt8]] {
        do {
            return try pool.readHere { db in
                try Data.fetchAll(try db.cachedStatement(sql: "SELECT action_key FROM answered_action")).map { Array($0) }
            }
        } catch {
            throw StorageError(code: .readFailed, message: "cannot read the answered agent actions", cause: error)
        }
    }

    /// How many answered actions are kept for resends after a restart.
    public static let answeredActionsKept = 10_000

    /// A row of one of the tables that keep the last few thousand payloads by key.
    private func keptPayload(in table: String, keyedBy column: String, key: [UInt8], what: String) throws(StorageError) -> [UInt8]? {
        do {
            return try pool.readHere { db in
                try Data.fetchOne(
                    try db.cachedStatement(sql: "SELECT payload FROM \(table) WHERE \(column) = ?"), arguments: [Data(key)]
                ).map { [UInt8]($0) }
            }
        } catch {
            throw StorageError(code: .readFailed, message: "cannot read \(what)", cause: error)
        }
    }

    /// The delivery recorded under `messageID`, if any (Deliver dedupe).
    public func delivery(messageID: [UInt8]) async throws(StorageError) -> StoredDelivery? {
        try await deliveries(sql: "SELECT * FROM delivery WHERE message_id = ?", arguments: [Data(messageID)]).first
    }

    /// The deliveries of a conversation with sequences in `sequences`, in order.
    public func deliveries(conversationID: String, sequences: ClosedRange<UInt64>) async throws(StorageError) -> [StoredDelivery] {
        try await deliveries(
            sql: "SELECT * FROM delivery WHERE conversation_id = ? AND sequence BETWEEN ? AND ? ORDER BY sequence",
            arguments: [conversationID, Int64(bitPattern: sequences.lowerBound), Int64(bitPattern: sequences.upperBound)])
    }

    /// The earliest stored message of a conversation (its channel and customer, for replies).
    public func firstDelivery(conversationID: String) async throws(StorageError) -> StoredDelivery? {
        try await deliveries(
            sql: "SELECT * FROM delivery WHERE conversation_id = ? ORDER BY sequence LIMIT 1", arguments: [conversationID]
        ).first
    }

    private func deliveries(sql: String, arguments: StatementArguments) async throws(StorageError) -> [StoredDelivery] {
        do {
            return try pool.readHere { db in
                try Row.fetchAll(try db.cachedStatement(sql: sql), arguments: arguments).map { row in
                    StoredDelivery(
                        messageID: [UInt8](row["message_id"] as Data),
                        conversationID: row["conversation_id"],
                        sequence: UInt64(bitPattern: row["sequence"] as Int64),
                        payload: [UInt8](row["payload"] as Data))
                }
            }
        } catch {
            throw StorageError(code: .readFailed, message: "cannot read deliveries", cause: error)
        }
    }
}
