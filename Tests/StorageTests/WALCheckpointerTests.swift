import Foundation
import GRDB
import SwitchboardTestSupport
import Testing

@testable import Storage

/// The WAL is checkpointed in the background, not inside a commit (decisions §21).
@Suite struct WALCheckpointerTests {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("switchboard-checkpoint-\(UUID().uuidString)")

    private static let migrations = [
        StoreMigration("v1-blobs") { db in
            try db.execute(sql: "CREATE TABLE blob (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        }
    ]

    @Test func storesDoNotCheckpointInsideCommits() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try DataDirectory(path: root.path, process: "test")
        let pool = try StoreDatabase.open(path: directory.storePath("blobs"), migrations: Self.migrations)
        let setting = try pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(setting == 0)
    }

    @Test func commitsGetTheWALCheckpointedInTheBackground() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try DataDirectory(path: root.path, process: "test")
        let pool = try StoreDatabase.open(path: directory.storePath("blobs"), migrations: Self.migrations)
        let committer = GroupCommitter(pool: pool, label: "blob")
        let body = Data(repeating: 7, count: 4_096)
        for id in 0..<2_000 {
            try await committer.submit { db in try db.execute(sql: "INSERT INTO blob (id, body) VALUES (?, ?)", arguments: [id, body]) }
        }
        // One ran in the background once 100 commits and 250 ms had passed, not one per commit.
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while committer.checkpointer.checkpointCount == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(committer.checkpointer.checkpointCount >= 1)
        #expect(committer.checkpointer.lastError == nil)
        #expect(committer.checkpointer.checkpointCount < 2_000)

        // A final one copies every frame of the WAL into the database file.
        await committer.checkpointer.checkpoint()
        let frames = try #require(committer.checkpointer.lastResult)
        #expect(frames.walFrames > 0)
        #expect(frames.checkpointedFrames == frames.walFrames)
        let rows = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM blob") }
        #expect(rows == 2_000)
    }

    /// A checkpoint that caught up makes the next commit restart the WAL, and SQLite syncs
    /// the new header then, on the committing thread: so a checkpoint waits for enough
    /// commits, or for the longest interval (decisions §37).
    @Test func aCheckpointWaitsForEnoughCommits() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try DataDirectory(path: root.path, process: "test")
        let path = directory.storePath("blobs")
        let pool = try StoreDatabase.open(path: path, migrations: Self.migrations)
        let checkpointer = WALCheckpointer(writer: pool, interval: .zero, commitsPerCheckpoint: 10, longestInterval: .seconds(60))
        for _ in 1...9 { checkpointer.noteCommit() }
        try await Task.sleep(for: .milliseconds(200))
        #expect(checkpointer.checkpointCount == 0, "9 commits of 10")
        checkpointer.noteCommit()
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while checkpointer.checkpointCount == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(checkpointer.checkpointCount == 1)
        #expect(checkpointer.lastError == nil)
    }

    @Test func fewCommitsAreCheckpointedAfterTheLongestInterval() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try DataDirectory(path: root.path, process: "test")
        let path = directory.storePath("blobs")
        let pool = try StoreDatabase.open(path: path, migrations: Self.migrations)
        let start = ContinuousClock.now
        let checkpointer = WALCheckpointer(writer: pool, interval: .zero, commitsPerCheckpoint: 100, longestInterval: .milliseconds(400))
        checkpointer.noteCommit()
        checkpointer.noteCommit()
        try await Task.sleep(for: .milliseconds(100))
        if ContinuousClock.now - start < .milliseconds(400) {
            #expect(checkpointer.checkpointCount == 0, "2 commits, and the longest interval has not passed")
        }
        try await Task.sleep(until: start.advanced(by: .milliseconds(450)))
        checkpointer.noteCommit()
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while checkpointer.checkpointCount == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(checkpointer.checkpointCount == 1)
    }

    /// Under a steady stream of commits a PASSIVE checkpoint on a connection of its own never
    /// catches up (the writer appends while it copies), so the WAL never started over and
    /// grew with every commit; the catch-up pass through the writer lets it start over
    /// (decisions §51).
    @Test func underASteadyStreamOfCommitsTheWALStartsOverInsteadOfGrowing() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = try DataDirectory(path: root.path, process: "test")
        let path = directory.storePath("blobs")
        let pool = try StoreDatabase.open(path: path, migrations: Self.migrations)
        let metrics = CounterTally()
        let checkpointer = WALCheckpointer(
            writer: pool, interval: .zero, commitsPerCheckpoint: 20, store: "blob", metrics: metrics)
        let body = Data(repeating: 7, count: 4_096)
        let commits = 3_000
        for id in 0..<commits {
            try await pool.write { db in try db.execute(sql: "INSERT INTO blob (id, body) VALUES (?, ?)", arguments: [id, body]) }
            checkpointer.noteCommit()
        }
        let checkpoints = checkpointer.checkpointCount
        let walSize = try #require(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int)
        // Each commit appends at least two frames (the row's leaf page and its overflow page).
        let written = commits * 2 * (4_096 + 24)
        #expect(checkpoints >= 2)
        // A WAL that never starts over holds all of `written`. Half leaves room for a busy
        // machine, whose checkpoints lag behind the commits: a quarter failed (6.95 of 24.7 MB)
        // when a CI run shared the two cores with `switchboard fuzz`.
        #expect(walSize < written / 2, "the WAL holds \(walSize) of the \(written) bytes written: it did not start over")
        let rows = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM blob") }
        #expect(rows == commits)
        // Operators see the same in `switchboard_store_wal_bytes` (its value after the last checkpoint).
        let gauge = try #require(metrics.gauge("switchboard_store_wal_bytes{store=blob}"))
        #expect(gauge > 0 && gauge <= Double(walSize))
    }
}
