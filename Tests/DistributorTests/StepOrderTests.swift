import Synchronization
import SwitchboardTestSupport
import Testing

@testable import Distributor

/// A `StepOrder` behind an actor, as the distributor keeps it.
private actor Steps {
    var order = StepOrder()
    func take() -> UInt64 { order.take() }
    func end(_ ticket: UInt64) { order.end(ticket)?.resume() }
    /// What the distributor's `waitForTurn` does.
    func waitForTurn(_ ticket: UInt64) async {
        guard ticket != order.turn else { return }
        await withCheckedContinuation { order.wait(ticket, $0) }
    }
    /// Registers a waiter without checking first: as if the turn had come between the
    /// caller's check and the registration.
    func registerLate(_ ticket: UInt64) async {
        await withCheckedContinuation { order.wait(ticket, $0) }
    }
}

@Suite struct StepOrderTests {
    @Test func aStepWaitsUntilTheEarlierOneEnds() async throws {
        let steps = Steps()
        let first = await steps.take(), second = await steps.take()
        let wentOn = Atomic<Bool>(false)
        let waiting = Task {
            await steps.waitForTurn(second)
            wentOn.store(true, ordering: .relaxed)
        }
        try await Task.sleep(for: .milliseconds(50))
        let early = wentOn.load(ordering: .relaxed)
        #expect(!early)
        await steps.end(first)
        try await withTimeout(.seconds(5), "second step's turn") { await waiting.value }
        let after = wentOn.load(ordering: .relaxed)
        #expect(after)
    }

    /// Waiting for a resumption here would wait forever: the earlier step's end found nobody
    /// waiting (found by `switchboard chaos`, decisions §45).
    @Test func aWaiterRegisteredAfterItsTurnCameGoesOnAtOnce() async throws {
        let steps = Steps()
        let first = await steps.take(), second = await steps.take()
        await steps.end(first)
        try await withTimeout(.seconds(5), "late waiter") { await steps.registerLate(second) }
    }
}
