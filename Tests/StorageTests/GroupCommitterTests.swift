import Dispatch
import Foundation
import GRDB
import Synchronization
import SwitchboardTestSupport
import Testing

@testable import Storage

@Suite struct GroupCommitterTests {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("switchboard-group-commit-\(UUID().uuidString)")

    private static let migrations = [
        StoreMigration("v1-items") { db in
            try db.execute(sql: "CREATE TABLE item (seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE)")
        }
    ]

    private func open(metrics: CounterTally = CounterTally()) throws -> (DatabasePool, GroupCommitter) {
        let directory = try DataDirectory(path: root.path, process: "test")
        let pool = try StoreDatabase.open(path: directory.storePath("items"), migrations: Self.migrations)
        return (pool, GroupCommitter(pool: pool, label: "item", metrics: metrics))
    }

    /// Inserts `name`; returns its storage order.
    private static func insert(_ name: String) -> @Sendable (Database) throws -> Int64 {
        { db in
            try db.execute(sql: "INSERT INTO item (name) VALUES (?)", arguments: [name])
            return db.lastInsertedRowID
        }
    }

    private static func names(_ pool: DatabasePool) throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "SELECT name FROM item ORDER BY seq") }
    }

    /// A write that holds the transaction open until `open()`: what is enqueued meanwhile
    /// forms the next group, deterministically.
    private final class Gate: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        private let (started, startedSink) = AsyncStream.makeStream(of: Void.self)

        var write: @Sendable (Database) throws -> Void {
            { [semaphore, startedSink] _ in
                startedSink.yield()
                semaphore.wait()
            }
        }

        /// Returns once the holding write runs (its transaction is open).
        func waitUntilHeld() async {
            for await _ in started { return }
        }

        func open() { semaphore.signal() }
    }

    private final class Log: Sendable {
        private let entries = Mutex<[Int]>([])
        func append(_ entry: Int) { entries.withLock { $0.append(entry) } }
        var all: [Int] { entries.withLock { $0 } }
    }

    private struct Refused: Error {}

    @Test func aLoneWriteCommitsAtOnceInItsOwnTransaction() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (pool, committer) = try open()
        #expect(try await committer.submit(Self.insert("a")) == 1)
        #expect(committer.transactionCount == 1)
        #expect(try Self.names(pool) == ["a"])
        #expect(try await committer.submit(Self.insert("b")) == 2)
        #expect(committer.transactionCount == 2)
        #expect(committer.lastFailure == nil)
    }

    @Test func writesQueuedDuringACommitShareTheNextTransaction() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (pool, committer) = try open()
        let gate = Gate()
        let held = committer.enqueue(gate.write)
        await gate.waitUntilHeld()
        let tickets = (0..<100).map { committer.enqueue(Self.insert("w\($0)")) }
        gate.open()
        for ticket in tickets { try await committer.waitUntilCommitted(ticket) }
        #expect(committer.isCommitted(held))
        #expect(committer.transactionCount == 2)  // the held one, then all 100 together
        #expect(try Self.names(pool).count == 100)
    }

    /// What an operator reads to see group commit at work (operator.md section 6).
    @Test func transactionsAndTheWritesTheyCarryAreCounted() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let metrics = CounterTally()
        let (_, committer) = try open(metrics: metrics)
        let gate = Gate()
        committer.enqueue(gate.write)
        await gate.waitUntilHeld()
        let tickets = (0..<10).map { committer.enqueue(Self.insert("w\($0)")) }
        gate.open()
        for ticket in tickets { try await committer.waitUntilCommitted(ticket) }
        #expect(metrics.value("switchboard_store_transactions_total{store=item}") == 2)
        #expect(metrics.value("switchboard_store_writes_total{store=item}") == 11)
    }

    @Test func concurrentSubmitsUseFewerTransactionsThanWrites() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (pool, committer) = try open()
        let sequences = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<200 {
                group.addTask { try await committer.submit(Self.insert("w\(index)")) }
            }
            return try await group.reduce(into: Set<Int64>()) { $0.insert($1) }
        }
        #expect(sequences.count == 200)  // each resumed with its own result
        #expect(try Self.names(pool).count == 200)
        #expect(committer.transactionCount < 200)
    }

    @Test func commitOrderAndReportOrderAreEnqueueOrder() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (pool, committer) = try open()
        let log = Log()
        let gate = Gate()
        committer.enqueue(gate.write)
        await gate.waitUntilHeld()
        var last: GroupCommitter.Ticket?
        for index in 0..<50 {
            last = committer.enqueue(Self.insert("w\(index)")) { result in
                if case .success(let sequence) = result, sequence == Int64(index + 1) { log.append(index) }
            }
        }
        gate.open()
        // Across groups too: the next ones are enqueued while the first group may commit.
        for index in 50..<100 {
            last = committer.enqueue(Self.insert("w\(index)")) { result in
                if case .success(let sequence) = result, sequence == Int64(index + 1) { log.append(index) }
            }
        }
        if let last { try await committer.waitUntilCommitted(last) }
        #expect(log.all == Array(0..<100))
        #expect(try Self.names(pool) == (0..<100).map { "w\($0)" })
    }

    @Test func aFailingWriteFailsAloneAndLeavesNothingBehind() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (pool, committer) = try open()
        let gate = Gate()
        committer.enqueue(gate.write)
        await gate.waitUntilHeld()
        let first = committer.enqueue(Self.insert("a"))
        let failing = committer.enqueue { db in
            try db.execute(sql: "INSERT INTO item (name) VALUES ('partial')")
            try db.execute(sql: "INSERT INTO item (name) VALUES ('a')")  // UNIQUE: fails
        }
        let refused = committer.enqueue { _ in throw Refused() }
        let third = committer.enqueue(Self.insert("b"))
        gate.open()
        try await committer.waitUntilCommitted(third)
        try await committer.waitUntilCommitted(first)
        await #expect(throws: StorageError.self) { try await committer.waitUntilCommitted(failing) }
        await #expect(throws: StorageError.self) { try await committer.waitUntilCommitted(refused) }
        #expect(committer.transactionCount == 2)  // the failures did not cost the group its commit
        #expect(try Self.names(pool) == ["a", "b"])  // "partial" rolled back with its write
        #expect(committer.lastFailure?.code == .writeFailed)
        _ = try await committer.submit(Self.insert("c"))
        #expect(committer.lastFailure == nil)  // a group that fully committed clears it
    }

    @Test func aFailingSubmitThrowsItsOwnErrorOnly() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (_, committer) = try open()
        async let good = committer.submit(Self.insert("a"))
        async let bad: Int64 = committer.submit { _ in
            throw StorageError(code: .writeFailed, message: "refused by the write")
        }
        #expect(try await good == 1)
        do {
            _ = try await bad
            Issue.record("the failing write succeeded")
        } catch let error as StorageError {
            #expect(error.code == .writeFailed)
            #expect(error.message == "refused by the write")  // a StorageError is reported as is
        } catch {
            Issue.record("unexpected error \(error)")
        }
        let wrapped = await #expect(throws: StorageError.self) {
            _ = try await committer.submit { _ -> Int in throw Refused() }
        }
        #expect(wrapped?.code == .writeFailed)
        #expect(wrapped?.cause is Refused)
    }

    @Test func aCancelledSubmitterStillCommitsAndDoesNotFailTheOthers() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (pool, committer) = try open()
        let gate = Gate()
        committer.enqueue(gate.write)
        await gate.waitUntilHeld()
        let cancelled = Task { try await committer.submit(Self.insert("cancelled")) }
        cancelled.cancel()
        let others = (0..<10).map { index in Task { try await committer.submit(Self.insert("w\(index)")) } }
        gate.open()
        for other in others { _ = try await other.value }
        _ = try await cancelled.value  // enqueued before or after its cancellation: committed either way
        #expect(Set(try Self.names(pool)) == Set(["cancelled"] + (0..<10).map { "w\($0)" }))
    }

    @Test func ticketsWaitForTheirCommitAndAnswerAtOnceAfterIt() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let (_, committer) = try open()
        let gate = Gate()
        committer.enqueue(gate.write)
        await gate.waitUntilHeld()
        let ticket = committer.enqueue(Self.insert("a"))
        #expect(!committer.isCommitted(ticket))
        let waiter = Task { try await committer.waitUntilCommitted(ticket) }
        gate.open()
        try await waiter.value
        #expect(committer.isCommitted(ticket))
        try await committer.waitUntilCommitted(ticket)  // already committed: returns at once
    }
}
