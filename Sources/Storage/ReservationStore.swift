import GRDB
import SwitchboardCore

/// Presence's durable state (`presence/reservations.sqlite`): capacity reservations, each
/// agent's chosen presence and the last AgentUpdate sequence number, so capacity and the
/// sequence survive a restart (wire.md 5.4, 5.5); and the answers kept for agents who were
/// not connected when they came (agent.md), so the agent's next session gets them also
/// after a restart.
///
/// Writes use group commit (a `GroupCommitter`): `enqueue` is synchronous and ordered;
/// batches waiting while a transaction runs go together into the next one, which starts as
/// soon as the previous one ends. A caller answers (Grant, ReleaseAck) or publishes only
/// after `waitUntilCommitted`.
public final class ReservationStore: Sendable {
    /// One change to persist; the state machine's output for one event.
    public struct Batch: Sendable, Hashable {
        public var granted: [CapacityReservation]
        public var released: [String]
        /// Chosen presence by agent id.
        public var chosenPresences: [String: String]
        public var lastSequence: UInt64?
        /// Answers that came for an agent who is not connected.
        public var keptAnswers: [KeptAnswer]
        /// Agents whose kept answers went to a new session (forgotten).
        public var answersDelivered: [String]

        public init(
            granted: [CapacityReservation] = [], released: [String] = [], chosenPresences: [String: String] = [:],
            lastSequence: UInt64? = nil, keptAnswers: [KeptAnswer] = [], answersDelivered: [String] = []
        ) {
            self.granted = granted
            self.released = released
            self.chosenPresences = chosenPresences
            self.lastSequence = lastSequence
            self.keptAnswers = keptAnswers
            self.answersDelivered = answersDelivered
        }
    }

    /// An answer (`replyResult`, `actionResult`, `offerReplied`) kept for an agent who was not
    /// connected when it came: the frame's JSON text.
    public struct KeptAnswer: Sendable, Hashable {
        public var agentID: String
        public var atMs: Int64
        public var frame: String

        public init(agentID: String, atMs: Int64, frame: String) {
            self.agentID = agentID
            self.atMs = atMs
            self.frame = frame
        }
    }

    /// At most this many kept answers per agent (the oldest go first), and none older than
    /// `keptAnswerLifetimeMs` after a newer one is kept.
    public static let keptAnswersPerAgent = 200
    public static let keptAnswerLifetimeMs: Int64 = 300_000

    /// Position of a batch in the commit order.
    public struct Ticket: Sendable, Hashable, Comparable {
        let value: GroupCommitter.Ticket
        public static func < (lhs: Ticket, rhs: Ticket) -> Bool { lhs.value < rhs.value }
    }

    private let pool: DatabasePool
    private let committer: GroupCommitter

    public static let migrations = [
        StoreMigration("v1-reservations") { db in
            try db.execute(
                sql: """
                    CREATE TABLE reservation (
                        id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
                        units INTEGER NOT NULL, reason TEXT NOT NULL, queue TEXT,
                        over_capacity INTEGER NOT NULL, granted_at_ms INTEGER NOT NULL);
                    CREATE TABLE agent_presence (agent_id TEXT PRIMARY KEY, presence TEXT NOT NULL);
                    CREATE TABLE sequence (id INTEGER PRIMARY KEY CHECK (id = 1), last INTEGER NOT NULL);
                    INSERT INTO sequence (id, last) VALUES (1, 0);
                    """)
        },
        StoreMigration("v2-kept-answers") { db in
            try db.execute(
                sql: """
                    CREATE TABLE kept_answer (
                        seq INTEGER PRIMARY KEY, agent_id TEXT NOT NULL, at_ms INTEGER NOT NULL, frame TEXT NOT NULL);
                    CREATE INDEX kept_answer_by_agent ON kept_answer (agent_id, seq);
                    """)
        },
        // Keyed by its id alone: a rowid table with a text key is two b-trees (the rows and the
        // key's index), so every grant and release wrote one more page (decisions §49).
        StoreMigration("v3-reservation-without-rowid") { db in
            try db.execute(
                sql: """
                    CREATE TABLE reservation_by_id (
                        id TEXT PRIMARY KEY NOT NULL, agent_id TEXT NOT NULL, conversation_id TEXT NOT NULL,
                        units INTEGER NOT NULL, reason TEXT NOT NULL, queue TEXT,
                        over_capacity INTEGER NOT NULL, granted_at_ms INTEGER NOT NULL) WITHOUT ROWID;
                    INSERT INTO reservation_by_id
                        SELECT id, agent_id, conversation_id, units, reason, queue, over_capacity, granted_at_ms
                        FROM reservation WHERE id IS NOT NULL;
                    DROP TABLE reservation;
                    ALTER TABLE reservation_by_id RENAME TO reservation;
                    """)
        },
    ]

    private init(pool: DatabasePool, commits: CommitSchedule?) {
        self.pool = pool
        committer = GroupCommitter(pool: pool, label: "reservation", schedule: commits)
    }

    /// Opens (or creates) the store file at `path`; `commits`: where group commits run (the
    /// process's event loop; nil: a task on Swift's pool).
    public static func open(path: String, commits: CommitSchedule? = nil) throws(StorageError) -> ReservationStore {
        ReservationStore(pool: try StoreDatabase.open(path: path, migrations: migrations), commits: commits)
    }

    /// Everything a restarting presence needs. Rows it cannot read (an unknown reason
    /// written by a newer build) are skipped rather than misread.
    public func load() throws(StorageError) -> PresenceStateMachine.Restored {
        do {
            return try pool.read { db in
                var restored = PresenceStateMachine.Restored()
                for row in try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM reservation ORDER BY id")) {
                    guard let reason = CapacityReason(rawValue: row["reason"]) else { continue }
                    restored.reservations.append(
                        CapacityReservation(
                            id: row["id"], agentID: row["agent_id"], conversationID: row["conversation_id"],
                            units: row["units"], reason: reason, queue: row["queue"],
                            overCapacity: row["over_capacity"], grantedAtMs: row["granted_at_ms"]))
                }
                for row in try Row.fetchAll(try db.cachedStatement(sql: "SELECT agent_id, presence FROM agent_presence")) {
                    restored.chosenPresences[row["agent_id"]] = row["presence"]
                }
                restored.lastSequence = try UInt64.fetchOne(try db.cachedStatement(sql: "SELECT last FROM sequence WHERE id = 1")) ?? 0
                return restored
            }
        } catch {
            throw StorageError(code: .readFailed, message: "cannot read the reservation store", cause: error)
        }
    }

    /// The answers kept for agents who were not connected, oldest first per agent.
    public func keptAnswers() throws(StorageError) -> [KeptAnswer] {
        do {
            return try pool.read { db in
                try Row.fetchAll(try db.cachedStatement(sql: "SELECT agent_id, at_ms, frame FROM kept_answer ORDER BY seq")).map { row in
                    KeptAnswer(agentID: row["agent_id"], atMs: row["at_ms"], frame: row["frame"])
                }
            }
        } catch {
            throw StorageError(code: .readFailed, message: "cannot read the kept answers", cause: error)
        }
    }

    /// Queues a batch for the next commit; ordered by call. Starts a commit when none runs.
    @discardableResult
    public func enqueue(_ batch: Batch) -> Ticket {
        Ticket(value: committer.enqueue { db in try Self.apply(batch, in: db) })
    }

    /// Returns once the batch of `ticket` is committed; throws if it failed.
    public func waitUntilCommitted(_ ticket: Ticket) async throws(StorageError) {
        try await committer.waitUntilCommitted(ticket.value)
    }

    /// `enqueue` then `waitUntilCommitted`.
    public func write(_ batch: Batch) async throws(StorageError) {
        try await waitUntilCommitted(enqueue(batch))
    }

    /// The last commit failed (health check).
    public var lastError: StorageError? { committer.lastFailure }

    static func apply(_ batch: Batch, in db: Database) throws {
        for reservation in batch.granted {
            try db.executeCached(
                sql: """
                    INSERT OR REPLACE INTO reservation
                    (id, agent_id, conversation_id, units, reason, queue, over_capacity, granted_at_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    reservation.id, reservation.agentID, reservation.conversationID, reservation.units,
                    reservation.reason.rawValue, reservation.queue, reservation.overCapacity, reservation.grantedAtMs,
                ])
        }
        for id in batch.released {
            try db.executeCached(sql: "DELETE FROM reservation WHERE id = ?", arguments: [id])
        }
        for (agentID, presence) in batch.chosenPresences {
            // Every capacity change names the agent's chosen presence, which rarely changes: an
            // unchanged one writes nothing (`INSERT OR REPLACE` deleted and inserted the row, two
            // more b-tree pages in each commit).
            try db.executeCached(
                sql: """
                    INSERT INTO agent_presence (agent_id, presence) VALUES (?, ?)
                    ON CONFLICT (agent_id) DO UPDATE SET presence = excluded.presence WHERE presence <> excluded.presence
                    """,
                arguments: [agentID, presence])
        }
        for agentID in batch.answersDelivered {
            try db.executeCached(sql: "DELETE FROM kept_answer WHERE agent_id = ?", arguments: [agentID])
        }
        for answer in batch.keptAnswers {
            try db.executeCached(
                sql: "INSERT INTO kept_answer (agent_id, at_ms, frame) VALUES (?, ?, ?)", arguments: [answer.agentID, answer.atMs, answer.frame])
            // Bounded as presence bounds them in memory: the newest per agent, and only recent ones.
            try db.executeCached(
                sql: """
                    DELETE FROM kept_answer WHERE agent_id = ? AND (at_ms < ? OR seq <= (
                        SELECT seq FROM kept_answer WHERE agent_id = ? ORDER BY seq DESC LIMIT 1 OFFSET ?))
                    """,
                arguments: [answer.agentID, answer.atMs - Self.keptAnswerLifetimeMs, answer.agentID, Self.keptAnswersPerAgent])
        }
        if let sequence = batch.lastSequence {
            // Never lower it: sequence numbers are not reused (wire.md 5.5).
            try db.executeCached(sql: "UPDATE sequence SET last = MAX(last, ?) WHERE id = 1", arguments: [Int64(clamping: sequence)])
        }
    }
}

extension ReservationStore {
    /// True once the batch of `ticket` has been committed (or failed).
    public func isCommitted(_ ticket: Ticket) -> Bool {
        committer.isCommitted(ticket.value)
    }
}
