import Synchronization
import Testing

@testable import switchboard

/// A sender held back by `--max-in-flight` waits for a landing, not a timer: it goes when a
/// conversation lands, and the end of the load releases it.
@Suite struct LoadPacerRoomTests {
    final class Flight: Sendable {
        let inFlight = Atomic<Int>(0)
        let numbers = Atomic<Int>(0)
    }

    static func pacer(_ flight: Flight, room: RoomSignal, limit: Int = 1, lasting: Duration = .seconds(60)) -> LoadPacer {
        let start = BenchClock.now()
        return LoadPacer(
            rate: nil, maxInFlight: limit, start: start, end: start + BenchClock.nanoseconds(lasting),
            inFlight: { flight.inFlight.load(ordering: .relaxed) },
            takeNumber: { flight.numbers.wrappingAdd(1, ordering: .relaxed).oldValue }, stopped: { false }, room: room)
    }

    @Test(.timeLimit(.minutes(1))) func aSenderAtTheBoundGoesWhenAConversationLands() async {
        let flight = Flight(), room = RoomSignal()
        let pacer = Self.pacer(flight, room: room)
        #expect(await pacer.next() == 0)
        flight.inFlight.store(1, ordering: .relaxed)  // at the bound
        let second = Task { await pacer.next() }
        // Held back: a poll would not be given the time to go wrong, so look several times.
        for _ in 0..<20 { await Task.yield() }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(flight.numbers.load(ordering: .relaxed) == 1, "no number taken while at the bound")
        flight.inFlight.store(0, ordering: .relaxed)
        room.landed()
        #expect(await second.value == 1)
    }

    @Test(.timeLimit(.minutes(1))) func aLandingBeforeTheWaitIsNotMissed() async {
        let flight = Flight(), room = RoomSignal()
        flight.inFlight.store(1, ordering: .relaxed)
        // The conversation landed (count down, signal with nobody waiting) before anyone waits:
        // the wait looks at the count under the signal's lock and returns at once.
        flight.inFlight.store(0, ordering: .relaxed)
        room.landed()
        let pacer = Self.pacer(flight, room: room)
        #expect(await pacer.next() == 0)
    }

    @Test(.timeLimit(.minutes(1))) func closingTheSignalEndsTheWaitsOfALoadThatIsOver() async {
        let flight = Flight(), room = RoomSignal()
        flight.inFlight.store(1, ordering: .relaxed)
        let pacer = Self.pacer(flight, room: room, lasting: .milliseconds(100))
        let waiting = Task { await pacer.next() }
        try? await Task.sleep(for: .milliseconds(200))  // the load's end passes; nothing lands
        room.close()
        #expect(await waiting.value == nil, "past its end the load sends nothing more")
        // After close, a wait returns at once.
        await room.wait(unlessNow: { false })
    }
}
