import HeapModule
import Synchronization

/// The bench agents' timed steps (accept after the think time; wrapUp and close after the
/// handle time), run by one task that wakes every `tick` and runs whatever is due.
///
/// A task and a `Task.sleep` per conversation woke three threads each (Dispatch's timer
/// thread, a pool thread, the bench's loop) and were about a sixth of the bench's CPU, which
/// shares the cores with the system it measures. One tick for all of them wakes the loop a
/// fixed number of times a second, whatever the rate. A step runs at most `tick` late.
final class BenchTimetable: Sendable {
    typealias Step = @Sendable () async -> Void

    private struct Entry: Comparable {
        let due: ContinuousClock.Instant
        /// Scheduling order: steps due at the same instant run in the order they were scheduled.
        let order: UInt64
        let step: Step

        static func < (lhs: Entry, rhs: Entry) -> Bool { (lhs.due, lhs.order) < (rhs.due, rhs.order) }
        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.due == rhs.due && lhs.order == rhs.order }
    }

    private struct Table {
        var entries = Heap<Entry>()
        var scheduled: UInt64 = 0
    }

    let tick: Duration
    private let table = Mutex(Table())

    /// `tick`: how often due steps run; a twentieth of the shortest delay in use is a good
    /// choice (at most 1 % of it late on average), within 1–10 ms.
    init(tick: Duration) {
        self.tick = tick
    }

    /// The tick for steps `delays` apart from their cause (zero delays are not scheduled).
    static func tick(for delays: [Duration]) -> Duration {
        guard let shortest = delays.filter({ $0 > .zero }).min() else { return .milliseconds(10) }
        return min(max(shortest / 20, .milliseconds(1)), .milliseconds(10))
    }

    /// Runs `step` once `delay` has passed (at the first tick after it).
    func schedule(after delay: Duration, now: ContinuousClock.Instant = .now, _ step: @escaping Step) {
        table.withLock { table in
            table.scheduled += 1
            table.entries.insert(Entry(due: now.advanced(by: delay), order: table.scheduled, step: step))
        }
    }

    /// The steps due at `now`, earliest first, taken out of the table.
    func takeDue(at now: ContinuousClock.Instant) -> [Step] {
        table.withLock { table in
            var due: [Step] = []
            while let first = table.entries.min, first.due <= now {
                due.append(table.entries.removeMin().step)
            }
            return due
        }
    }

    var pendingCount: Int { table.withLock { $0.entries.count } }

    /// Every `tick`, runs the steps due, one after the other; returns when cancelled.
    func run() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: tick) } catch { return }
            for step in takeDue(at: .now) { await step() }
        }
    }
}
