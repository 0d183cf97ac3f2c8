/// Keeps the actions of core steps in the order the core computed the steps.
///
/// The core is called in order, but each step's store commit then finishes when it finishes,
/// and carrying out its actions awaits too (reading stored messages, sending). Without an
/// order, a later step's actions could overtake an earlier one's: the agent would get
/// customer message 4 before message 3. Each step takes a ticket when it is computed and
/// acts only when every earlier ticket is done.
struct StepOrder {
    private var nextTicket: UInt64 = 0
    private(set) var turn: UInt64 = 0
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]

    /// A ticket for the step just computed.
    mutating func take() -> UInt64 {
        defer { nextTicket += 1 }
        return nextTicket
    }

    /// Resumes `continuation` when `ticket`'s turn comes, or at once if it has come: the turn
    /// may have moved on between the caller's check and here (see `waitForTurn`).
    mutating func wait(_ ticket: UInt64, _ continuation: CheckedContinuation<Void, Never>) {
        if ticket == turn {
            continuation.resume()
        } else {
            waiters[ticket] = continuation
        }
    }

    /// Ends `ticket`'s turn; the continuation of the next ticket to resume, if it waits.
    mutating func end(_ ticket: UInt64) -> CheckedContinuation<Void, Never>? {
        turn = ticket + 1
        return waiters.removeValue(forKey: turn)
    }
}

extension Distributor {
    /// Suspends until every step computed before `ticket` has carried out its actions.
    ///
    /// `StepOrder.wait` checks the turn again: the `await` may suspend before its body runs
    /// (a task without the loop's preference hops to the distributor's executor there), and a
    /// turn that ended meanwhile must not be waited for forever (found by `switchboard chaos`
    /// with decisions §45).
    func waitForTurn(_ ticket: UInt64) async {
        guard ticket != stepOrder.turn else { return }
        await withCheckedContinuation { stepOrder.wait(ticket, $0) }
    }

    func endTurn(_ ticket: UInt64) {
        stepOrder.end(ticket)?.resume()
    }
}
