import Foundation
import GRDB

/// Delivery receipts a provider sends about OUR outbound messages (WhatsApp's
/// `statuses[]`: sent, delivered, read, failed), kept in the adapter's data directory
/// (`delivery-statuses.sqlite`) against the provider's id of the message, which the reply
/// sender got back when it sent it. They are not customer messages: nothing is forwarded.
///
/// A provider retrying the same receipt (same channel, message id and status) is stored once.
/// Writes go through a `GroupCommitter`, like the outbox next to it.
public final class DeliveryStatusStore: Sendable {
    public static let migrations: [StoreMigration] = [
        StoreMigration("v1-delivery-status") { db in
            try db.execute(sql: """
                CREATE TABLE delivery_status (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    channel_instance_id TEXT NOT NULL,
                    provider_message_id TEXT NOT NULL,
                    status TEXT NOT NULL,
                    recipient TEXT NOT NULL,
                    provider_timestamp_ms INTEGER,
                    error TEXT,
                    correlation TEXT,
                    received_at_ms INTEGER NOT NULL,
                    UNIQUE (channel_instance_id, provider_message_id, status)
                );
                CREATE INDEX delivery_status_received ON delivery_status (received_at_ms);
                """)
        }
    ]

    private let pool: DatabasePool
    private let committer: GroupCommitter

    /// Opens (or creates) `delivery-statuses.sqlite` in `directory`.
    public convenience init(directory: DataDirectory, commits: CommitSchedule? = nil) throws(StorageError) {
        try self.init(path: directory.storePath("delivery-statuses"), commits: commits)
    }

    /// `commits`: where group commits run (the process's event loop; nil: a task on Swift's pool).
    public init(path: String, commits: CommitSchedule? = nil) throws(StorageError) {
        pool = try StoreDatabase.open(path: path, migrations: Self.migrations)
        committer = GroupCommitter(pool: pool, label: "delivery-status", schedule: commits)
    }

    /// Stores the receipts of one request in one commit; returns how many were new.
    @discardableResult
    public func record(_ statuses: [DeliveryStatus]) async throws(StorageError) -> Int {
        guard !statuses.isEmpty else { return 0 }
        return try await committer.submit { db in
            var stored = 0
            for status in statuses {
                try db.executeCached(
                    sql: """
                        INSERT INTO delivery_status (channel_instance_id, provider_message_id, status, recipient,
                            provider_timestamp_ms, error, correlation, received_at_ms)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (channel_instance_id, provider_message_id, status) DO NOTHING
                        """,
                    arguments: [
                        status.channelInstanceID, status.providerMessageID, status.status, status.recipient,
                        status.providerTimestampMs, status.error, status.correlation, status.receivedAtMs,
                    ])
                stored += db.changesCount
            }
            return stored
        }
    }

    /// The receipts of one of our messages, in arrival order.
    public func statuses(providerMessageID: String) async throws(StorageError) -> [DeliveryStatus] {
        try await read("read delivery statuses") { db in
            try Row.fetchAll(
                try db.cachedStatement(sql: "SELECT * FROM delivery_status WHERE provider_message_id = ? ORDER BY seq"), arguments: [providerMessageID]
            ).map(DeliveryStatus.init(row:))
        }
    }

    /// How many receipts are stored (the fuzzer's check that unsigned webhooks store none).
    public func count() async throws(StorageError) -> Int {
        try await read("count delivery statuses") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery_status") ?? 0
        }
    }

    /// All receipts in arrival order (tests and `switchboard status`); small stores only.
    public func all() async throws(StorageError) -> [DeliveryStatus] {
        try await read("read delivery statuses") { db in
            try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM delivery_status ORDER BY seq")).map(DeliveryStatus.init(row:))
        }
    }

    private func read<T: Sendable>(_ what: String, _ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw StorageError(code: .readFailed, message: "cannot \(what)", cause: error)
        }
    }
}

/// One delivery receipt of one of our outbound messages.
public struct DeliveryStatus: Sendable, Hashable {
    public var channelInstanceID: String
    /// The provider's id of OUR message (WhatsApp `wamid...`).
    public var providerMessageID: String
    /// As the provider names it: `sent`, `delivered`, `read`, `failed`, ...
    public var status: String
    /// The customer the message went to.
    public var recipient: String
    public var providerTimestampMs: Int64?
    /// The provider's reason of a failure, e.g. `131047: Re-engagement message`.
    public var error: String?
    /// What we attached to the send to recognise it (the reply's Wire id), when echoed back.
    public var correlation: String?
    public var receivedAtMs: Int64

    public init(
        channelInstanceID: String, providerMessageID: String, status: String, recipient: String, providerTimestampMs: Int64?,
        error: String?, correlation: String?, receivedAtMs: Int64
    ) {
        self.channelInstanceID = channelInstanceID
        self.providerMessageID = providerMessageID
        self.status = status
        self.recipient = recipient
        self.providerTimestampMs = providerTimestampMs
        self.error = error
        self.correlation = correlation
        self.receivedAtMs = receivedAtMs
    }

    init(row: Row) {
        self.init(
            channelInstanceID: row["channel_instance_id"], providerMessageID: row["provider_message_id"], status: row["status"],
            recipient: row["recipient"], providerTimestampMs: row["provider_timestamp_ms"], error: row["error"],
            correlation: row["correlation"], receivedAtMs: row["received_at_ms"])
    }
}
