import Foundation
import GRDB
import Metrics
import Synchronization

/// Moves WAL checkpoints off the commit path (design.md "Durability", decisions §21).
///
/// SQLite's automatic checkpoint runs inside the commit that crosses 1,000 WAL pages, so
/// every few thousand writes one acknowledgement waits 10–26 ms while pages are copied into
/// the database file. `StoreDatabase.open` turns the automatic checkpoint off; instead the
/// store's group committer calls ``noteCommit()`` after each commit, and at most every
/// `interval` this type runs a PASSIVE checkpoint on a connection of its own, on GRDB's
/// serial queue for that connection, while the writer goes on committing. A PASSIVE
/// checkpoint never waits on the writer or the readers; SQLite restarts the WAL from its
/// beginning at the first commit after a checkpoint that caught up, so the file stays small.
///
/// That restart has a price on the committing thread: SQLite syncs the new WAL header
/// (`fdatasync`, about 1 ms on a VM's disk) before the commit's frames, whatever
/// `synchronous` says. So a checkpoint waits for `commitsPerCheckpoint` commits (about
/// SQLite's own 1,000 pages): checkpointing after any commit once 250 ms had passed made
/// nearly every commit at a light load restart the WAL and pay that sync (decisions §37).
/// With fewer commits, the WAL is still checkpointed `longestInterval` after the last time.
///
/// Under a steady load a PASSIVE checkpoint on a connection of its own never catches up: the
/// writer appends frames while it copies, so at the next commit some frames are always left,
/// the WAL never restarts, and it grows without end (300 MB in 15 s of `switchboard bench`,
/// each new frame written to newly allocated file blocks). So each checkpoint ends with a
/// second pass through the store's own writer (`writer`), between two commits: it copies only
/// the frames written during the first pass, and the next commit restarts the WAL
/// (decisions §51).
public final class WALCheckpointer: Sendable {
    private struct State {
        var connection: DatabaseQueue?
        var running = false
        /// When the last checkpoint started (at first, when this checkpointer was made).
        var lastStarted: ContinuousClock.Instant
        var commitsSince = 0
        var checkpoints = 0
        var lastError: String?
        var lastResult: (walFrames: Int, checkpointedFrames: Int)?
    }

    private let path: String
    /// The WAL file SQLite keeps beside the database file.
    private let walPath: String
    /// The store's writer, for the catch-up pass.
    private let writer: DatabasePool
    private let interval: Duration
    private let commitsPerCheckpoint: Int
    private let longestInterval: Duration
    private let state: Mutex<State>
    /// `switchboard_store_wal_bytes{store}`: the WAL file's size after each checkpoint. The
    /// file keeps the size it grew to while the store is open, so this is its high-water
    /// mark: a WAL that keeps growing means checkpoints do not catch up (§51).
    private let walBytes: Gauge?

    /// - `writer`: the pool the store commits through: its file is the one checkpointed, and
    ///   its writer runs the catch-up pass that lets the WAL restart under a steady load.
    /// - `interval`: the least time between two checkpoints while commits go on.
    /// - `commitsPerCheckpoint`: how many commits a checkpoint waits for (see above).
    /// - `longestInterval`: how long after the last one (or the start) a commit starts a
    ///   checkpoint however few commits came.
    /// - `store`: the store's name for the WAL size gauge (none when nil).
    public init(
        writer: DatabasePool, interval: Duration = .milliseconds(250),
        commitsPerCheckpoint: Int = 100, longestInterval: Duration = .seconds(60),
        store: String? = nil, metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.walBytes = store.map { Gauge(label: "switchboard_store_wal_bytes", dimensions: [("store", $0)], factory: metrics) }
        self.path = writer.path
        self.walPath = writer.path + "-wal"
        self.writer = writer
        self.interval = interval
        self.commitsPerCheckpoint = max(1, commitsPerCheckpoint)
        self.longestInterval = max(interval, longestInterval)
        self.state = Mutex(State(lastStarted: .now))
    }

    /// Checkpoints run so far (tests).
    var checkpointCount: Int { state.withLock { $0.checkpoints } }

    /// The last checkpoint's failure, if it failed (it is retried at the next commit).
    var lastError: String? { state.withLock { $0.lastError } }

    /// The last checkpoint's frame counts: frames in the WAL, and how many of them are now in
    /// the database file (equal when the checkpoint caught up).
    var lastResult: (walFrames: Int, checkpointedFrames: Int)? { state.withLock { $0.lastResult } }

    /// Called after each commit; starts a background checkpoint when one is due. Never blocks.
    public func noteCommit() { startIfDue(afterCommit: true) }

    private func startIfDue(afterCommit: Bool) {
        let now = ContinuousClock.now
        let start = state.withLock { state -> Bool in
            if afterCommit { state.commitsSince += 1 }
            guard !state.running, state.commitsSince > 0 else { return false }
            let since = now - state.lastStarted
            guard since >= interval, state.commitsSince >= commitsPerCheckpoint || since >= longestInterval else { return false }
            state.running = true
            state.lastStarted = now
            state.commitsSince = 0
            return true
        }
        guard start else { return }
        Task.detached(priority: .utility) { await self.checkpoint() }
    }

    /// Runs one checkpoint now (what the background task runs; tests call it directly): a
    /// PASSIVE one on this checkpointer's connection, which copies the bulk while the writer
    /// goes on, then one through the writer, which copies what was written meanwhile. The
    /// second holds the writer only for those frames (and for the two syncs a checkpoint
    /// makes, when it has anything to copy).
    func checkpoint() async {
        var outcome: String?
        var result: (walFrames: Int, checkpointedFrames: Int)?
        do {
            let connection = try openedConnection()
            _ = try await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            // The pass through the writer syncs the WAL before it copies and the database file
            // after: flushed here first, those syncs find little left to write.
            Self.flushToDisk(walPath)
            Self.flushToDisk(path)
            let frames = try await writer.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            result = (frames.walFrameCount, frames.checkpointedFrameCount)
            if let walBytes, let size = try? FileManager.default.attributesOfItem(atPath: walPath)[.size] as? Int {
                walBytes.record(size)
            }
        } catch {
            outcome = "\(error)"
        }
        let again = state.withLock { state -> Bool in
            state.running = false
            state.checkpoints += 1
            state.lastError = outcome
            if let result { state.lastResult = result }
            // Commits arrived during a slow checkpoint: the next one is due already.
            return outcome == nil && state.commitsSince > 0
        }
        if again {
            try? await Task.sleep(for: interval)
            startIfDue(afterCommit: false)
        }
    }

    /// `fdatasync` of the file at `path` on the calling thread (best effort: the checkpoint
    /// that follows syncs what it must itself).
    private static func flushToDisk(_ path: String) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fdatasync(descriptor)
        close(descriptor)
    }

    private func openedConnection() throws -> DatabaseQueue {
        if let connection = state.withLock({ $0.connection }) { return connection }
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.label = "checkpointer"
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        state.withLock { $0.connection = connection }
        return connection
    }
}
