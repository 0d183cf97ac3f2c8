import Foundation
import GRDB

/// An ingress adapter's outbound replies (M1, wire.md 5.3): every agent reply the router
/// hands to the adapter is written here before it is acknowledged, then sent to the
/// provider, retried with back-off while the provider is down, until it is sent or fails
/// for good. Keyed by the reply's Wire id, which stays the same from the agent's console to
/// here, so a resend from any hop is stored once and sent to the provider once.
///
/// The store knows nothing of the Wire format: the payload is opaque bytes.
public final class ReplyOutboxStore: Sendable {
    public static let fileName = "replies"

    public static let migrations: [StoreMigration] = [
        StoreMigration("v1-replies") { db in
            try db.execute(sql: """
                CREATE TABLE reply (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    reply_id BLOB NOT NULL UNIQUE,
                    channel_instance_id TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at_ms INTEGER NOT NULL,
                    provider_message_id TEXT,
                    reason TEXT,
                    created_at_ms INTEGER NOT NULL,
                    settled_at_ms INTEGER
                );
                CREATE INDEX reply_due ON reply (next_attempt_at_ms, seq) WHERE state = 'pending';
                """)
        }
    ]

    private let pool: DatabasePool
    private let committer: GroupCommitter

    public convenience init(directory: DataDirectory, commits: CommitSchedule? = nil) throws(StorageError) {
        try self.init(path: directory.storePath(Self.fileName), commits: commits)
    }

    /// `commits`: where group commits run (the process's event loop; nil: a task on Swift's pool).
    public init(path: String, commits: CommitSchedule? = nil) throws(StorageError) {
        pool = try StoreDatabase.open(path: path, migrations: Self.migrations)
        committer = GroupCommitter(pool: pool, label: "replies", schedule: commits)
    }

    /// Stores a reply to send now. False when its id is already stored (a resend): nothing changes.
    public func insert(_ reply: ReplyInsert) async throws(StorageError) -> Bool {
        try await committer.submit { db in
            try db.executeCached(
                sql: """
                    INSERT INTO reply (reply_id, channel_instance_id, payload, next_attempt_at_ms, created_at_ms)
                    VALUES (?, ?, ?, ?, ?) ON CONFLICT (reply_id) DO NOTHING
                    """,
                arguments: [Data(reply.replyID), reply.channelInstanceID, Data(reply.payload), reply.createdAtMs, reply.createdAtMs])
            return db.changesCount == 1
        }
    }

    /// Pending replies due at `nowMs`, oldest first, at most `limit`.
    public func due(atMs nowMs: Int64, limit: Int) async throws(StorageError) -> [ReplyRow] {
        try await read { db in
            try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM reply WHERE state = 'pending' AND next_attempt_at_ms <= ? ORDER BY next_attempt_at_ms, seq LIMIT ?"),
                arguments: [nowMs, limit]
            ).map(ReplyRow.init(row:))
        }
    }

    /// When the next pending reply is due, or nil when none is pending.
    public func nextDueAtMs() async throws(StorageError) -> Int64? {
        try await read { db in
            try Int64.fetchOne(try db.cachedStatement(sql: "SELECT MIN(next_attempt_at_ms) FROM reply WHERE state = 'pending'"))
        }
    }

    /// Records one send attempt's outcome.
    public func record(_ attempt: ReplyAttempt, atMs nowMs: Int64) async throws(StorageError) {
        _ = try await committer.submit { db in
            let id = Data(attempt.replyID)
            switch attempt.outcome {
            case .sent(let providerMessageID):
                try db.executeCached(
                    sql: "UPDATE reply SET state = 'sent', attempts = attempts + 1, provider_message_id = ?, settled_at_ms = ? WHERE reply_id = ? AND state = 'pending'",
                    arguments: [providerMessageID, nowMs, id])
            case .retryAt(let atMs, let reason):
                try db.executeCached(
                    sql: "UPDATE reply SET attempts = attempts + 1, next_attempt_at_ms = ?, reason = ? WHERE reply_id = ? AND state = 'pending'",
                    arguments: [atMs, reason, id])
            case .postponed(let atMs):
                try db.executeCached(
                    sql: "UPDATE reply SET next_attempt_at_ms = MAX(next_attempt_at_ms, ?) WHERE reply_id = ? AND state = 'pending'",
                    arguments: [atMs, id])
            case .failed(let reason):
                try db.executeCached(
                    sql: "UPDATE reply SET state = 'failed', attempts = attempts + 1, reason = ?, settled_at_ms = ? WHERE reply_id = ? AND state = 'pending'",
                    arguments: [reason, nowMs, id])
            }
            return db.changesCount
        }
    }

    /// Pending replies of one channel instance, oldest first, at most `limit` (due or not).
    public func pending(channelInstanceID: String, limit: Int) async throws(StorageError) -> [ReplyRow] {
        try await read { db in
            try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM reply WHERE state = 'pending' AND channel_instance_id = ? ORDER BY seq LIMIT ?"),
                arguments: [channelInstanceID, limit]
            ).map(ReplyRow.init(row:))
        }
    }

    /// Makes pending replies due at `atMs` at the latest (never later than they were; attempts
    /// unchanged): their customer is reachable again, so the back-off wait is over.
    public func hasten(_ replyIDs: [[UInt8]], toMs atMs: Int64) async throws(StorageError) {
        guard !replyIDs.isEmpty else { return }
        _ = try await committer.submit { db in
            for id in replyIDs {
                try db.executeCached(
                    sql: "UPDATE reply SET next_attempt_at_ms = MIN(next_attempt_at_ms, ?) WHERE reply_id = ? AND state = 'pending'",
                    arguments: [atMs, Data(id)])
            }
            return replyIDs.count
        }
    }

    public func reply(_ replyID: [UInt8]) async throws(StorageError) -> ReplyRow? {
        try await read { db in
            try Row.fetchOne(try db.cachedStatement(sql: "SELECT * FROM reply WHERE reply_id = ?"), arguments: [Data(replyID)]).map(ReplyRow.init(row:))
        }
    }

    public func pendingCount() async throws(StorageError) -> Int {
        try await read { db in try Int.fetchOne(try db.cachedStatement(sql: "SELECT COUNT(*) FROM reply WHERE state = 'pending'")) ?? 0 }
    }

    private func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw StorageError(code: .readFailed, message: "cannot read the reply outbox", cause: error)
        }
    }
}

public struct ReplyInsert: Sendable, Hashable {
    public var replyID: [UInt8]
    public var channelInstanceID: String
    public var payload: [UInt8]
    public var createdAtMs: Int64

    public init(replyID: [UInt8], channelInstanceID: String, payload: [UInt8], createdAtMs: Int64) {
        self.replyID = replyID
        self.channelInstanceID = channelInstanceID
        self.payload = payload
        self.createdAtMs = createdAtMs
    }
}

public struct ReplyRow: Sendable, Hashable {
    public enum State: String, Sendable { case pending, sent, failed }

    public var replyID: [UInt8]
    public var channelInstanceID: String
    public var payload: [UInt8]
    public var state: State
    public var attempts: Int
    public var nextAttemptAtMs: Int64
    public var providerMessageID: String?
    public var reason: String?
    public var createdAtMs: Int64

    init(row: Row) {
        replyID = Array((row["reply_id"] as Data?) ?? Data())
        channelInstanceID = row["channel_instance_id"] ?? ""
        payload = Array((row["payload"] as Data?) ?? Data())
        state = State(rawValue: row["state"] ?? "") ?? .failed
        attempts = row["attempts"] ?? 0
        nextAttemptAtMs = row["next_attempt_at_ms"] ?? 0
        providerMessageID = row["provider_message_id"]
        reason = row["reason"]
        createdAtMs = row["created_at_ms"] ?? 0
    }
}

/// What one attempt to send a reply to the provider came to.
public struct ReplyAttempt: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case sent(providerMessageID: String)
        case retryAt(ms: Int64, reason: String)
        /// Not attempted: an earlier reply of the same conversation waits until then.
        case postponed(untilMs: Int64)
        case failed(reason: String)
    }

    public var replyID: [UInt8]
    public var outcome: Outcome

    public init(replyID: [UInt8], outcome: Outcome) {
        self.replyID = replyID
        self.outcome = outcome
    }
}
