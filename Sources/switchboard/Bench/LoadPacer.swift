import Synchronization

/// When the load drivers may send the next conversation: at `rate` per second on a fixed
/// schedule from the start (or as fast as possible when `rate` is nil), never with more than
/// `maxInFlight` sent and not yet through (Active, or out of the baseline pipeline), and only until `end`.
final class LoadPacer: Sendable {
    let rate: Double?
    let maxInFlight: Int
    private let start: UInt64
    private let end: UInt64
    private let slots = Atomic<Int>(0)
    private let inFlight: @Sendable () -> Int
    private let takeNumber: @Sendable () -> Int
    private let stopped: @Sendable () -> Bool
    /// Signalled whenever a conversation lands, and closed when the load is over.
    private let room: RoomSignal
    /// Sends that left later than their slot (the system, or the bench, could not keep up).
    private let late = Atomic<Int>(0)

    init(
        rate: Double?, maxInFlight: Int, start: UInt64, end: UInt64, inFlight: @escaping @Sendable () -> Int,
        takeNumber: @escaping @Sendable () -> Int, stopped: @escaping @Sendable () -> Bool, room: RoomSignal
    ) {
        self.rate = rate
        self.maxInFlight = maxInFlight
        self.start = start
        self.end = end
        self.inFlight = inFlight
        self.takeNumber = takeNumber
        self.stopped = stopped
        self.room = room
    }

    /// Sends more than 1 ms behind their slot.
    var lateSends: Int { late.load(ordering: .relaxed) }

    /// Waits for the next slot; nil when the load is over.
    func next() async -> Int? {
        let slot = slots.wrappingAdd(1, ordering: .relaxed).oldValue
        if let rate {
            let due = start + UInt64(Double(slot) / rate * 1e9)
            guard due < end else { return nil }
            let now = BenchClock.now()
            if due > now {
                try? await Task.sleep(for: .nanoseconds(Int64(due - now)))
            } else if now - due > 1_000_000 {
                late.add(1, ordering: .relaxed)
            }
        }
        while inFlight() >= maxInFlight {
            guard BenchClock.now() < end, !stopped() else { return nil }
            // Whoever closes `room` at the end of the load also ends this wait.
            await room.wait(unlessNow: { inFlight() < maxInFlight })
        }
        guard BenchClock.now() < end, !stopped() else { return nil }
        return takeNumber()
    }
}
