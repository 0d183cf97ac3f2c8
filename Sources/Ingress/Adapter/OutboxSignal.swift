import Synchronization
import Wire

/// What the recorder tells the forwarder after each outbox commit: wake up, and here are the
/// rows just committed, already encoded. The forwarder sends those without reading them back
/// from SQLite and without decoding and encoding them again (decisions §47).
///
/// The outbox stays the truth. A row the forwarder does not find here is read from the store
/// as before: a backlog at start, rows after a gap in storage order, rows beyond `capacity`
/// (kept while the window is full and the router does not answer).
public final class OutboxSignal: Sendable {
    /// One committed row: its storage order and its message's frames.
    struct Committed: Sendable {
        let sequence: Int64
        let message: EncodedEnvelope
    }

    private let wake = WakeSignal()
    /// In storage order.
    private let committed = Mutex<[Committed]>([])
    private let capacity: Int

    public init(capacity: Int = 4_096) {
        self.capacity = max(0, capacity)
    }

    /// After a commit: keeps its new rows and wakes the forwarder. Concurrent requests'
    /// commits may hand their rows over in any order; they are kept in storage order.
    func add(_ rows: [Committed]) {
        guard !rows.isEmpty else { return }
        committed.withLock { kept in
            let room = capacity - kept.count
            guard room > 0 else { return }  // the store has them
            let wasInOrder = kept.last.map { $0.sequence < rows[0].sequence } ?? true
            kept.append(contentsOf: rows.prefix(room))
            if !wasInOrder { kept.sort { $0.sequence < $1.sequence } }
        }
        wake.signal()
    }

    /// Wakes the forwarder without rows (its window has room again).
    func signal() { wake.signal() }

    /// The kept rows that follow `cursor` without a gap, at most `limit`, taken out. Rows at
    /// or before the cursor are dropped: the forwarder has sent them already, read from the
    /// store. Empty when the next row after the cursor is not here.
    func take(after cursor: Int64, limit: Int) -> [Committed] {
        committed.withLock { kept in
            kept.removeFirst(kept.prefix(while: { $0.sequence <= cursor }).count)
            var run = 0
            while run < min(limit, kept.count), kept[run].sequence == cursor + Int64(run) + 1 { run += 1 }
            defer { kept.removeFirst(run) }
            return Array(kept.prefix(run))
        }
    }

    /// How many rows are kept (tests).
    var keptCount: Int { committed.withLock { $0.count } }

    /// One consumer only.
    var wakeups: AsyncStream<Void> { wake.wakeups }

    func finish() { wake.finish() }
}
