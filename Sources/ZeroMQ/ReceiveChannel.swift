import Synchronization

/// The bounded buffer between a socket's loop thread (producer) and the consumer of
/// ``AsyncSocket/messages`` (any task).
///
/// Back-pressure: the loop asks for ``room()`` before polling the socket for input; when the
/// buffer is full it stops polling (so libzmq's receive queue fills and its high-water mark
/// pushes back on the peer) and marks itself paused; the consumer's next pop then wakes the loop.
final class ReceiveChannel: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Multipart?, any Error>
    }

    private struct State {
        var buffer = FIFO<Multipart>()
        var waiters = FIFO<Waiter>()
        var finished = false
        var failure: ZeroMQError?
        var loopPaused = false
        var nextWaiterID: UInt64 = 0
    }

    let capacity: Int
    private let wakeUp: WakeUpSignal
    private let state = Mutex(State())

    init(capacity: Int, wakeUp: WakeUpSignal) {
        self.capacity = max(1, capacity)
        self.wakeUp = wakeUp
    }

    // MARK: loop side

    /// How many messages the loop may read now; 0 pauses reading until the consumer pops.
    func room() -> Int {
        state.withLock { state in
            if state.finished { return 0 }
            let room = capacity - state.buffer.count
            if room <= 0 { state.loopPaused = true }
            return max(0, room)
        }
    }

    /// Hands received messages to waiting consumers first, buffers the rest.
    func deliver(_ messages: [Multipart]) {
        guard !messages.isEmpty else { return }
        var resumptions: [(CheckedContinuation<Multipart?, any Error>, Multipart)] = []
        state.withLock { state in
            guard !state.finished else { return }
            for message in messages {
                if let waiter = state.waiters.popFirst() {
                    resumptions.append((waiter.continuation, message))
                } else {
                    state.buffer.append(message)
                }
            }
        }
        for (continuation, message) in resumptions {
            continuation.resume(returning: message)
        }
    }

    /// Ends the sequence after the buffered messages; with an error, consumers see it once.
    func finish(_ error: ZeroMQError? = nil) {
        let waiters: [Waiter] = state.withLock { state in
            guard !state.finished else { return [] }
            state.finished = true
            state.failure = error
            // Waiters exist only while the buffer is empty.
            let waiters = state.waiters.removeAll()
            if !waiters.isEmpty { state.failure = nil }
            return waiters
        }
        for (index, waiter) in waiters.enumerated() {
            if index == 0, let error {
                waiter.continuation.resume(throwing: error)
            } else {
                waiter.continuation.resume(returning: nil)
            }
        }
    }

    // MARK: consumer side

    private enum Immediate {
        case message(Multipart, wakeLoop: Bool)
        case end
        case failure(ZeroMQError)
    }

    /// Pops a buffered message, or reports the end, without suspending.
    private func popImmediately(_ state: inout State) -> Immediate? {
        if let message = state.buffer.popFirst() {
            let wake = state.loopPaused
            state.loopPaused = false
            return .message(message, wakeLoop: wake)
        }
        if state.finished {
            if let failure = state.failure {
                state.failure = nil
                return .failure(failure)
            }
            return .end
        }
        return nil
    }

    private func settle(_ immediate: Immediate) throws -> Multipart? {
        switch immediate {
        case .message(let message, let wakeLoop):
            if wakeLoop { wakeUp.signal() }
            return message
        case .end:
            return nil
        case .failure(let error):
            throw error
        }
    }

    /// The next message; `nil` once the socket is closed (or the waiting task is cancelled).
    func next() async throws -> Multipart? {
        // Fast path: no continuation when a message is already buffered.
        if let immediate = state.withLock({ popImmediately(&$0) }) {
            return try settle(immediate)
        }
        if Task.isCancelled { return nil }
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Multipart?, any Error>) in
                let immediate: Immediate? = state.withLock { state in
                    if let immediate = popImmediately(&state) { return immediate }
                    // The cancellation handler may already have run and found no waiter.
                    if Task.isCancelled { return .end }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                guard let immediate else { return }
                do {
                    continuation.resume(returning: try settle(immediate))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            // Cancelling the consuming task ends its iteration (like AsyncStream).
            let waiter = state.withLock { $0.waiters.remove { $0.id == id } }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Messages buffered and not yet consumed (for tests and metrics).
    var bufferedCount: Int { state.withLock { $0.buffer.count } }
}
