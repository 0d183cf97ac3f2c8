import Foundation
import GRDB

/// An ingress adapter's outbox (design.md "Durability" step 1): every inbound provider
/// message is written here before the adapter answers the provider, and stays `pending`
/// until the router acknowledges it.
///
/// Rows are keyed by the Wire message id (16 bytes) the adapter drew when it first stored
/// the message; every resend reuses it, also after a restart. (channel instance, provider
/// message id) is unique (R3): a provider retry finds the existing row and is answered as a
/// duplicate.
///
/// Writes go through a `GroupCommitter`: concurrent inserts and settlements share one
/// transaction (each in its own savepoint, so one failing write fails alone); each caller
/// is resumed after the commit that holds its write.
/// The store knows nothing of the Wire format: the payload is opaque bytes.
public final class OutboxStore: Sendable {
    public static let migrations: [StoreMigration] = [
        StoreMigration("v1-outbox") { db in
            try db.execute(sql: """
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    message_id BLOB NOT NULL UNIQUE,
                    channel_instance_id TEXT NOT NULL,
                    provider_message_id TEXT NOT NULL,
                    message_type INTEGER NOT NULL,
                    payload BLOB NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending',
                    conversation_id TEXT,
                    reason TEXT,
                    created_at_ms INTEGER NOT NULL,
                    settled_at_ms INTEGER,
                    UNIQUE (channel_instance_id, provider_message_id)
                );
                CREATE INDEX outbox_pending ON outbox (seq) WHERE state = 'pending';
                CREATE INDEX outbox_settled ON outbox (settled_at_ms) WHERE state = 'acked';
                """)
        }
    ]

    /// The store's file name in an adapter's data directory (without `.sqlite`).
    public static let fileName = "outbox"

    private let pool: DatabasePool
    private let committer: GroupCommitter

    /// Opens (or creates) `outbox.sqlite` in `directory`.
    public convenience init(directory: DataDirectory, commits: CommitSchedule? = nil) throws(StorageError) {
        try self.init(path: directory.storePath(Self.fileName), commits: commits)
    }

    /// `commits`: where group commits run (the process's event loop; nil: a task on Swift's pool).
    public init(path: String, commits: CommitSchedule? = nil) throws(StorageError) {
        pool = try StoreDatabase.open(path: path, migrations: Self.migrations)
        committer = GroupCommitter(pool: pool, label: "outbox", schedule: commits)
    }

    /// How many write transactions have been committed since open (group-commit evidence).
    public var transactionCount: Int { committer.transactionCount }

    /// Stores the messages of one provider request (in order, in one commit with whatever
    /// else is waiting). A message whose (channel instance, provider message id) is already
    /// stored is not stored again: its outcome names the existing row's message id.
    public func insert(_ messages: [OutboxInsert]) async throws(StorageError) -> [OutboxInsertOutcome] {
        guard !messages.isEmpty else { return [] }
        return try await committer.submit { db in try messages.map { try Self.insert($0, in: db) } }
    }

    /// Records router answers, in one commit with whatever else is waiting. Returns how many
    /// pending rows changed (already-settled or unknown ids change nothing).
    @discardableResult
    public func settle(_ settlements: [OutboxSettlement], atMs now: Int64) async throws(StorageError) -> Int {
        guard !settlements.isEmpty else { return 0 }
        return try await committer.submit { db in
            var changed = 0
            for settlement in settlements {
                switch settlement.outcome {
                case .acked(let conversationID):
                    try db.executeCached(
                        sql: "UPDATE outbox SET state = 'acked', conversation_id = ?, settled_at_ms = ? WHERE message_id = ? AND state = 'pending'",
                        arguments: [conversationID, now, Data(settlement.messageID)])
                case .rejected(let reason):
                    try db.executeCached(
                        sql: "UPDATE outbox SET state = 'rejected', reason = ?, settled_at_ms = ? WHERE message_id = ? AND state = 'pending'",
                        arguments: [reason, now, Data(settlement.messageID)])
                }
                changed += db.changesCount
            }
            return changed
        }
    }

    private static func insert(_ message: OutboxInsert, in db: Database) throws -> OutboxInsertOutcome {
        try db.executeCached(
            sql: """
                INSERT INTO outbox (message_id, channel_instance_id, provider_message_id, message_type, payload, created_at_ms)
                VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (channel_instance_id, provider_message_id) DO NOTHING
                """,
            arguments: [
                Data(message.messageID), message.channelInstanceID, message.providerMessageID,
                Int64(message.messageType), Data(message.payload), message.createdAtMs,
            ])
        if db.changesCount == 1 {
            return OutboxInsertOutcome(messageID: message.messageID, duplicate: false, sequence: db.lastInsertedRowID)
        }
        let existing = try Row.fetchOne(
            try db.cachedStatement(sql: "SELECT seq, message_id FROM outbox WHERE channel_instance_id = ? AND provider_message_id = ?"),
            arguments: [message.channelInstanceID, message.providerMessageID])
        guard let existing else {
            throw StorageError(code: .writeFailed, message: "outbox insert neither stored nor found a row")
        }
        return OutboxInsertOutcome(
            messageID: Array((existing["message_id"] as Data?) ?? Data()), duplicate: true, sequence: existing["seq"])
    }

    /// Pending rows in storage order with `seq > afterSequence`, at most `limit` (paging at start
    /// and as the forwarder's window frees up).
    public func pending(after afterSequence: Int64, limit: Int) async throws(StorageError) -> [OutboxRow] {
        try await read("read pending outbox rows") { db in
            try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM outbox WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?"),
                arguments: [afterSequence, limit]
            ).map(OutboxRow.init(row:))
        }
    }

    public func pendingCount() async throws(StorageError) -> Int {
        try await read("count pending outbox rows") { db in
            try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM outbox WHERE state = 'pending'")) ?? 0
        }
    }

    /// All rows in storage order (tests and `switchboard status`); small stores only.
    public func allRows() async throws(StorageError) -> [OutboxRow] {
        try await read("read outbox rows") { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM outbox ORDER BY seq")).map(OutboxRow.init(row:))
        }
    }

    /// Deletes acked rows settled before `cutoffMs`. Rejected rows are kept for inspection;
    /// pending rows are never pruned. Returns how many rows went.
    @discardableResult
    public func pruneAcked(settledBeforeMs cutoffMs: Int64) async throws(StorageError) -> Int {
        do {
            return try await pool.write { db in
                try db.executeCached(sql: "DELETE FROM outbox WHERE state = 'acked' AND settled_at_ms < ?", arguments: [cutoffMs])
                return db.changesCount
            }
        } catch {
            throw StorageError(code: .writeFailed, message: "cannot prune the outbox", cause: error)
        }
    }

    /// Every read is one statement, run on the calling thread (the forwarder's, the process's
    /// loop) through the writer's connection: an async read hopped to a reader thread and
    /// back for every page the forwarder sends (decisions §26).
    private func read<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do {
            return try pool.readHere(body)
        } catch {
            throw StorageError(code: .readFailed, message: "cannot \(what)", cause: error)
        }
    }
}

/// A message to store: `messageID` is a fresh Wire id (16 bytes), used only when the
/// message is new.
public struct OutboxInsert: Sendable, Hashable {
    public var messageID: [UInt8]
    public var channelInstanceID: String
    public var providerMessageID: String
    /// The Wire message type of `payload` (e.g. 0x0101 Submit).
    public var messageType: UInt16
    /// The encoded message body.
    public var payload: [UInt8]
    public var createdAtMs: Int64

    public init(messageID: [UInt8], channelInstanceID: String, providerMessageID: String, messageType: UInt16, payload: [UInt8], createdAtMs: Int64) {
        self.messageID = messageID
        self.channelInstanceID = channelInstanceID
        self.providerMessageID = providerMessageID
        self.messageType = messageType
        self.payload = payload
        self.createdAtMs = createdAtMs
    }
}

public struct OutboxInsertOutcome: Sendable, Hashable {
    /// The id the message is stored under: the insert's own, or the existing row's.
    public var messageID: [UInt8]
    /// The provider message id was already stored for this channel instance.
    public var duplicate: Bool
    /// The stored row's storage order.
    public var sequence: Int64

    public init(messageID: [UInt8], duplicate: Bool, sequence: Int64) {
        self.messageID = messageID
        self.duplicate = duplicate
        self.sequence = sequence
    }
}

/// The router's answer to one stored message.
public struct OutboxSettlement: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// Accepted or duplicate at the router: forwarded for good.
        case acked(conversationID: String?)
        /// The router will never take it; kept with the reason.
        case rejected(reason: String)
    }

    public var messageID: [UInt8]
    public var outcome: Outcome

    public init(messageID: [UInt8], outcome: Outcome) {
        self.messageID = messageID
        self.outcome = outcome
    }
}

public enum OutboxState: String, Sendable, Hashable {
    case pending, acked, rejected
}

public struct OutboxRow: Sendable, Hashable {
    public var sequence: Int64
    public var messageID: [UInt8]
    public var channelInstanceID: String
    public var providerMessageID: String
    public var messageType: UInt16
    public var payload: [UInt8]
    public var state: OutboxState
    public var conversationID: String?
    public var reason: String?
    public var createdAtMs: Int64
    public var settledAtMs: Int64?

    init(row: Row) {
        sequence = row["seq"]
        messageID = Array((row["message_id"] as Data?) ?? Data())
        channelInstanceID = row["channel_instance_id"]
        providerMessageID = row["provider_message_id"]
        messageType = UInt16(truncatingIfNeeded: (row["message_type"] as Int64?) ?? 0)
        payload = Array((row["payload"] as Data?) ?? Data())
        // An unknown state (a newer writer) reads as pending: resending is the safe side.
        state = OutboxState(rawValue: row["state"] ?? "") ?? .pending
        conversationID = row["conversation_id"]
        reason = row["reason"]
        createdAtMs = row["created_at_ms"]
        settledAtMs = row["settled_at_ms"]
    }
}
