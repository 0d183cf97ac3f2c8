import Synchronization

/// Wakes the load's senders when a conversation lands (Active, failed, or out of the
/// baseline pipeline), so that a sender held back by `--max-in-flight` waits for room
/// instead of polling for it.
///
/// The senders used to poll every 200 µs: at saturation the system is at the bound all the
/// time, so 32 senders woke the bench's thread and Dispatch's timer thread thousands of
/// times a second, on the two cores the system under test shares with the bench.
final class RoomSignal: Sendable {
    private struct State {
        var waiting: [CheckedContinuation<Void, Never>] = []
        var closed = false
    }

    private let state = Mutex(State())

    /// Returns once `hasRoom()` holds or a landing is signalled after the call, and at once
    /// after `close()`. `hasRoom` is read under the same lock `landed()` takes, so a landing
    /// between the caller's last look and this wait is not missed; the caller looks again.
    func wait(unlessNow hasRoom: () -> Bool) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.closed || hasRoom() { return true }
                state.waiting.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// One conversation left flight: one waiting sender may go.
    func landed() {
        let next = state.withLock { state in state.waiting.isEmpty ? nil : state.waiting.removeFirst() }
        next?.resume()
    }

    /// The load is over (or stopped): every sender returns from `wait`, now and later.
    func close() {
        let everyone = state.withLock { state in
            state.closed = true
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in everyone { continuation.resume() }
    }
}
