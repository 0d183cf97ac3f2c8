import Foundation
import GRDB
import Metrics
import Synchronization

/// Group commit for every store (design.md "Durability"): writes that arrive while a
/// transaction is running wait, and are all committed together in the next one, which
/// starts as soon as the previous one ends. No timer: a lone write commits at once.
///
/// A write is a closure run inside the group's transaction, in its own savepoint: one that
/// throws is rolled back alone and fails alone; the others of its group still commit.
///
/// - `enqueue` is synchronous and ordered: the enqueue order is the commit order, and
///   outcomes (completions) are reported in that order, each after the commit that holds
///   its write. It returns a `Ticket` to wait on later (`waitUntilCommitted`, `isCommitted`),
///   so a caller can fix its place in the order now and await the commit afterwards.
/// - `submit` is `enqueue` plus waiting for the write's own outcome.
///
/// The commits run in a task of their own, not in any caller's: a caller that is cancelled
/// (a client that hung up) neither loses its enqueued write nor fails the others' writes.
///
/// With a `CommitSchedule` (a process's event loop, decisions §22) the commits run
/// synchronously on the loop thread once no job is ready (at the latest after a few polls): a
/// group is everything the messages of those poll rounds wrote, and no write hops to GRDB's
/// writer thread and back.
final class GroupCommitter: Sendable {
    /// Position of a write in the commit order.
    struct Ticket: Sendable, Hashable, Comparable {
        let value: UInt64
        static func < (lhs: Ticket, rhs: Ticket) -> Bool { lhs.value < rhs.value }
    }

    /// What a write reports once its group's transaction ended.
    private struct Outcome: Sendable {
        /// The write's own failure (rolled back to its savepoint), if any.
        let failure: StorageError?
        /// Reports the outcome once the group committed.
        let report: @Sendable () -> Void
    }

    private struct Write: Sendable {
        let ticket: UInt64
        /// Runs the write straight in the group's transaction; throws its failure.
        let applyDirectly: @Sendable (Database) throws -> Outcome
        /// Runs the write in a savepoint of the group's transaction (its failure rolls back only it).
        let applyInSavepoint: @Sendable (Database) -> Outcome
        /// Reports that the group's transaction failed (nothing of it is stored).
        let fail: @Sendable (StorageError) -> Void
    }

    private struct State: ~Copyable {
        var queued: [Write] = []
        var lastIssued: UInt64 = 0
        var committedThrough: UInt64 = 0
        /// Failures of recent writes, for `waitUntilCommitted` (a waiter asks soon after enqueueing).
        var failures: [UInt64: StorageError] = [:]
        var waiters: [(ticket: UInt64, continuation: CheckedContinuation<Result<Void, StorageError>, Never>)] = []
        var committing = false
        var lastFailure: StorageError?
    }

    /// How many recent failures are remembered for `waitUntilCommitted`.
    private static let failureWindow = 10_000

    private let pool: DatabasePool
    private let label: String
    private let state = Mutex(State())
    private let transactions = Atomic<Int>(0)
    /// `switchboard_store_transactions_total{store}` and `switchboard_store_writes_total{store}`:
    /// their ratio is how many writes a group commit carries (operator.md).
    private let transactionCounter: Counter
    private let writeCounter: Counter
    /// Checkpoints the WAL in the background (StoreDatabase turns SQLite's inline one off).
    let checkpointer: WALCheckpointer

    /// Where commits run: nil for a task on Swift's global pool (each commit awaits GRDB's writer).
    private let schedule: CommitSchedule?

    /// `label` names the store in error messages ("journal", "outbox", ...).
    init(pool: DatabasePool, label: String, schedule: CommitSchedule? = nil, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.pool = pool
        self.label = label
        self.schedule = schedule
        self.checkpointer = WALCheckpointer(writer: pool, store: label, metrics: metrics)
        self.transactionCounter = Counter(label: "switchboard_store_transactions_total", dimensions: [("store", label)], factory: metrics)
        self.writeCounter = Counter(label: "switchboard_store_writes_total", dimensions: [("store", label)], factory: metrics)
    }

    /// Transactions committed so far (group commit shows as fewer transactions than writes).
    var transactionCount: Int { transactions.load(ordering: .relaxed) }

    /// The failure of the last group: its transaction's, or the last failing write's; nil
    /// when all of it committed (health checks).
    var lastFailure: StorageError? { state.withLock { $0.lastFailure } }

    /// Queues `write` for the next commit and returns at once; `completion` runs after the
    /// commit that holds the write (or its failure), in enqueue order. The write runs inside
    /// the transaction, so it must be quick; a `StorageError` it throws is reported as is,
    /// any other error as `writeFailed`.
    @discardableResult
    func enqueue<T: Sendable>(
        _ write: @escaping @Sendable (Database) throws -> T,
        completion: @escaping @Sendable (Result<T, StorageError>) -> Void = { _ in }
    ) -> Ticket {
        let label = self.label
        let applyDirectly: @Sendable (Database) throws -> Outcome = { db in
            let value = try write(db)
            return Outcome(failure: nil) { completion(.success(value)) }
        }
        let applyInSavepoint: @Sendable (Database) -> Outcome = { db in
            var result: Result<T, StorageError> = .failure(StorageError(code: .writeFailed, message: "\(label) write produced no result"))
            do {
                try db.inSavepoint {
                    result = .success(try write(db))
                    return .commit
                }
            } catch {
                result = .failure(error as? StorageError ?? StorageError(code: .writeFailed, message: "\(label) write failed", cause: error))
            }
            let own = result
            let failure: StorageError?
            if case .failure(let error) = own { failure = error } else { failure = nil }
            return Outcome(failure: failure) { completion(own) }
        }
        let (ticket, start) = state.withLock { state -> (UInt64, Bool) in
            state.lastIssued += 1
            state.queued.append(
                Write(ticket: state.lastIssued, applyDirectly: applyDirectly, applyInSavepoint: applyInSavepoint, fail: { completion(.failure($0)) }))
            let start = !state.committing
            state.committing = true
            return (state.lastIssued, start)
        }
        if start {
            // A loop that has stopped runs nothing more: then a task commits instead.
            if schedule?.runWhenIdle({ self.commitQueuedNow() }) != true {
                Task { await self.commitQueued() }
            }
        }
        return Ticket(value: ticket)
    }

    /// Commits `write` with whatever else is waiting; returns its result after the commit.
    /// The write is committed even if the calling task is cancelled meanwhile.
    func submit<T: Sendable>(_ write: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, StorageError>, Never>) in
            enqueue(write) { continuation.resume(returning: $0) }
        }
        return try result.get()
    }

    /// True once the write of `ticket` has been committed (or failed).
    func isCommitted(_ ticket: Ticket) -> Bool {
        state.withLock { $0.committedThrough >= ticket.value }
    }

    /// Returns once the write of `ticket` is committed; throws if it failed.
    func waitUntilCommitted(_ ticket: Ticket) async throws(StorageError) {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Void, StorageError>, Never>) in
            let immediate: Result<Void, StorageError>? = state.withLock { state in
                if let failure = state.failures[ticket.value] { return .failure(failure) }
                if ticket.value <= state.committedThrough { return .success(()) }
                state.waiters.append((ticket.value, continuation))
                return nil
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
        try result.get()
    }

    /// One transaction for `group`. Writes run straight in it (a savepoint each costs two more
    /// statements); only when one of them fails is the transaction rolled back and the group
    /// run again with a savepoint per write, so the failing one fails alone (writes touch
    /// nothing but the database, so running one twice is safe).
    private func commit(_ group: [Write]) async throws -> [Outcome] {
        do {
            return try await pool.writeWithoutTransaction { db in try db.inImmediateTransaction { try group.map { try $0.applyDirectly(db) } } }
        } catch {
            return try await pool.writeWithoutTransaction { db in try db.inImmediateTransaction { group.map { $0.applyInSavepoint(db) } } }
        }
    }

    /// `commit` on the calling thread: GRDB's synchronous write runs its block on the caller's
    /// thread when the writer is free (`DispatchQueue.sync`).
    private func commitSynchronously(_ group: [Write]) throws -> [Outcome] {
        do {
            return try pool.writeWithoutTransaction { db in try db.inImmediateTransaction { try group.map { try $0.applyDirectly(db) } } }
        } catch {
            return try pool.writeWithoutTransaction { db in try db.inImmediateTransaction { group.map { $0.applyInSavepoint(db) } } }
        }
    }

    /// Commits groups until nothing waits; a group is whatever queued during the previous commit.
    private func commitQueued() async {
        while let group = takeGroup() {
            let result: Result<[Outcome], any Error>
            do { result = .success(try await commit(group)) } catch { result = .failure(error) }
            finish(group, result)
        }
    }

    /// `commitQueued` on the calling thread (the loop of a `CommitSchedule`).
    private func commitQueuedNow() {
        while let group = takeGroup() {
            finish(group, Result { try commitSynchronously(group) })
        }
    }

    /// The writes queued so far, in order; nil (and no longer committing) when there are none.
    private func takeGroup() -> [Write]? {
        state.withLock { state -> [Write]? in
            let taken = state.queued
            state.queued.removeAll()
            if taken.isEmpty { state.committing = false }
            return taken.isEmpty ? nil : taken
        }
    }

    /// Records a group's outcome and reports it: each write's completion, then the waiters.
    private func finish(_ group: [Write], _ result: Result<[Outcome], any Error>) {
        guard let last = group.last?.ticket else { return }
        var transactionError: StorageError?
        var outcomes: [Outcome] = []
        switch result {
        case .success(let committed):
            outcomes = committed
            transactions.add(1, ordering: .relaxed)
            transactionCounter.increment()
            writeCounter.increment(by: group.count)
            checkpointer.noteCommit()
        case .failure(let error):
            transactionError = StorageError(code: .writeFailed, message: "cannot commit \(group.count) \(label) writes", cause: error)
        }
        let failures: [(ticket: UInt64, error: StorageError)] = group.indices.compactMap { index in
            guard let error = transactionError ?? (index < outcomes.count ? outcomes[index].failure : nil) else { return nil }
            return (group[index].ticket, error)
        }
        let ready = state.withLock { state in
            state.committedThrough = last
            state.lastFailure = failures.last?.error
            for failure in failures { state.failures[failure.ticket] = failure.error }
            if state.failures.count > Self.failureWindow {
                let oldest = last > UInt64(Self.failureWindow) ? last - UInt64(Self.failureWindow) : 0
                state.failures = state.failures.filter { $0.key > oldest }
            }
            let ready = state.waiters.filter { $0.ticket <= last }
            state.waiters.removeAll { $0.ticket <= last }
            return ready.map { (continuation: $0.continuation, failure: state.failures[$0.ticket]) }
        }
        if let transactionError {
            // The transaction never committed: each write learns of it through its completion.
            for write in group { write.fail(transactionError) }
        } else {
            for outcome in outcomes { outcome.report() }
        }
        for waiter in ready {
            waiter.continuation.resume(returning: waiter.failure.map { .failure($0) } ?? .success(()))
        }
    }
}
