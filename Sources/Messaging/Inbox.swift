import DequeModule
import Synchronization

/// What a link has received and its owner has not yet taken: a bounded buffer between the
/// link's receive loop (the one producer) and the owner's `for await` (the consumer).
///
/// It replaces swift-async-algorithms' `AsyncChannel`, a rendezvous: under load the owner
/// is busy, so every message parked the receive loop and cost a task switch to resume it
/// (decisions §44). Here the receive loop waits only when `capacity` messages are waiting,
/// which keeps the back-pressure (the loop stops reading the socket, libzmq's queue fills and
/// its high-water mark pushes back on the peer).
///
/// Like `AsyncChannel`: each element goes to exactly one iterator, in order; a consumer task
/// that is cancelled while waiting gets `nil` (ending its `for await`) and no element is lost;
/// after `finish()` the consumer gets what is buffered, then `nil`, and `send` drops.
public final class Inbox<Element: Sendable>: AsyncSequence, Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Element?, Never>
    }

    private struct State: ~Copyable {
        var buffer = Deque<Element>()
        /// Consumers waiting, oldest first (there is one in practice: the link's owner).
        var waiters: [Waiter] = []
        var producer: CheckedContinuation<Void, Never>?
        var finished = false
        var nextWaiterID: UInt64 = 0
    }

    /// What `send` does after buffering: nothing more, hand over to a waiting consumer, or wait for room.
    private enum SendStep { case done, resume(CheckedContinuation<Element?, Never>), wait }
    /// What a consumer about to wait found: an element (and a producer to let go on), the end, or nothing yet.
    private enum WaitStep { case element(Element, producer: CheckedContinuation<Void, Never>?), end, waiting }

    public let capacity: Int
    private let state: Mutex<State>

    public init(capacity: Int = 64) {
        self.capacity = Swift.max(1, capacity)
        self.state = Mutex(State())
    }

    /// Hands `element` to a waiting consumer, or buffers it; waits while `capacity` elements
    /// are buffered. Drops it once the inbox is finished.
    public func send(_ element: Element) async {
        let next: SendStep = state.withLock { state in
            if state.finished { return .done }
            if !state.waiters.isEmpty {
                return .resume(state.waiters.removeFirst().continuation)
            }
            state.buffer.append(element)
            return state.buffer.count >= capacity ? .wait : .done
        }
        switch next {
        case .done:
            return
        case .resume(let continuation):
            continuation.resume(returning: element)
        case .wait:
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let proceed = state.withLock { state in
                        if state.finished || state.buffer.count < capacity || Task.isCancelled { return true }
                        state.producer = continuation
                        return false
                    }
                    if proceed { continuation.resume() }
                }
            } onCancel: {
                state.withLock { $0.producer.take() }?.resume()
            }
        }
    }

    /// Ends the sequence after what is buffered; a waiting consumer gets `nil` now.
    public func finish() {
        let (waiters, producer) = state.withLock { state in
            state.finished = true
            let waiters = state.waiters
            state.waiters.removeAll()
            return (waiters, state.producer.take())
        }
        for waiter in waiters { waiter.continuation.resume(returning: nil) }
        producer?.resume()
    }

    /// Elements buffered and not yet taken.
    public var bufferedCount: Int { state.withLock { $0.buffer.count } }

    /// The next element; `nil` once finished and drained, or when the waiting task is cancelled.
    func next() async -> Element? {
        if let element = popImmediately() { return element }
        if Task.isCancelled { return nil }
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
                let now: WaitStep = state.withLock { state in
                    if let (element, producer) = Self.take(&state, capacity: capacity) { return .element(element, producer: producer) }
                    if state.finished || Task.isCancelled { return .end }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return .waiting
                }
                switch now {
                case .element(let element, let producer):
                    producer?.resume()
                    continuation.resume(returning: element)
                case .end: continuation.resume(returning: nil)
                case .waiting: break
                }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(returning: nil)
        }
    }

    /// Pops a buffered element without suspending, and lets a waiting producer go on once
    /// there is room again.
    private func popImmediately() -> Element? {
        guard let (element, producer) = state.withLock({ Self.take(&$0, capacity: capacity) }) else { return nil }
        producer?.resume()
        return element
    }

    /// The oldest buffered element, and the producer to resume if it was waiting for room.
    /// A waiting producer goes on once half the inbox is free, not at the first free place:
    /// then it refills many places per resumption instead of one (decisions §45).
    private static func take(_ state: inout State, capacity: Int) -> (Element, CheckedContinuation<Void, Never>?)? {
        guard let element = state.buffer.popFirst() else { return nil }
        return (element, state.buffer.count <= capacity / 2 ? state.producer.take() : nil)
    }

    public func makeAsyncIterator() -> Iterator { Iterator(inbox: self) }

    public struct Iterator: AsyncIteratorProtocol {
        let inbox: Inbox<Element>

        public mutating func next() async -> Element? { await inbox.next() }

        /// What `for await` calls: runs on the caller's actor, so an actor's loop over a link's
        /// inbox takes each message without leaving the actor.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> Element? { await inbox.next() }
    }
}
