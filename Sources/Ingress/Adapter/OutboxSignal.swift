import Synchronization
import Wire

/// What the recorder tells the forwarder after each outbox commit: wake up, and here are the
/// rows just committed, already encoded. The forwarder sends those without reading them back
/// from SQLite and without decoding and encoding them again (decisions §47).
///
/// The outbox stays the truth. A row the forwarder does not find here is read from the store
/// as before: a backlog at start, rows after a gap in storage order, rows beyond `capacity`
/// (kept while the window is full and the router does not answer). The signal also says when
/// no such row can exist (`mustReadStore`), so a forwarder that has caught up does not read
/// the store after every commit only to find nothing (decisions §59).
public final class OutboxSignal: Sendable {
    /// One committed row: its storage order and its message's frames.
    struct Committed: Sendable {
        let sequence: Int64
        let message: EncodedEnvelope
    }

    /// What the signal holds, and whether the store may hold pending rows it does not.
    private struct Kept {
        /// In storage order.
        var rows: [Committed] = []
        /// The last read of the store came back short of its limit: every pending row after it
        /// was committed later, so it was handed over here or `dropped` says it was not. False
        /// from the moment the forwarder is sent to the store until its read comes back short,
        /// so a read that failed is made again.
        var caughtUp = false
        /// Rows were not kept (the capacity was reached): the store has them.
        var dropped = false
    }

    private let wake = WakeSignal()
    private let kept = Mutex(Kept())
    private let capacity: Int

    public init(capacity: Int = 4_096) {
        self.capacity = max(0, capacity)
    }

    /// After a commit: keeps its new rows and wakes the forwarder. Concurrent requests'
    /// commits may hand their rows over in any order; they are kept in storage order.
    func add(_ rows: [Committed]) {
        guard !rows.isEmpty else { return }
        kept.withLock { kept in
            let room = capacity - kept.rows.count
            if rows.count > room { kept.dropped = true }  // the store has them
            guard room > 0 else { return }
            let wasInOrder = kept.rows.last.map { $0.sequence < rows[0].sequence } ?? true
            kept.rows.append(contentsOf: rows.prefix(room))
            if !wasInOrder { kept.rows.sort { $0.sequence < $1.sequence } }
        }
        wake.signal()
    }

    /// Wakes the forwarder without rows (its window has room again).
    func signal() { wake.signal() }

    /// The kept rows that follow `cursor` without a gap, at most `limit`, taken out. Rows at
    /// or before the cursor are dropped: the forwarder has sent them already, read from the
    /// store. Empty when the next row after the cursor is not here.
    func take(after cursor: Int64, limit: Int) -> [Committed] {
        kept.withLock { kept in
            kept.rows.removeFirst(kept.rows.prefix(while: { $0.sequence <= cursor }).count)
            var run = 0
            while run < min(limit, kept.rows.count), kept.rows[run].sequence == cursor + Int64(run) + 1 { run += 1 }
            defer { kept.rows.removeFirst(run) }
            return Array(kept.rows.prefix(run))
        }
    }

    /// Whether the forwarder, having taken every row that follows its cursor here, must read
    /// the store: before its first read has come back short (a backlog from an earlier run),
    /// after rows were dropped, or while the rows kept here do not follow the cursor (a gap:
    /// the missing rows were committed, and handed over late or not at all). Clears `dropped`:
    /// the read that follows sees those rows, and any dropped later set it again.
    func mustReadStore() -> Bool {
        kept.withLock { kept in
            guard kept.caughtUp, !kept.dropped, kept.rows.isEmpty else {
                kept.dropped = false
                kept.caughtUp = false  // until that read comes back short
                return true
            }
            return false
        }
    }

    /// The forwarder read `count` pending rows from the store, asking for at most `limit`.
    func storeRead(count: Int, limit: Int) {
        kept.withLock { $0.caughtUp = count < limit }
    }

    /// How many rows are kept (tests).
    var keptCount: Int { kept.withLock { $0.rows.count } }

    /// One consumer only.
    var wakeups: AsyncStream<Void> { wake.wakeups }

    func finish() { wake.finish() }
}
