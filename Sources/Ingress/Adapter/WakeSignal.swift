/// A level-triggered wake-up: any number of `signal()`s before the waiter looks collapse
/// into one. The reply intake signals after each commit and the reply dispatcher wakes and
/// reads its outbox; `OutboxSignal` wakes the forwarder with one.
public final class WakeSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func signal() {
        continuation.yield()
    }

    /// One consumer only.
    var wakeups: AsyncStream<Void> { stream }

    func finish() {
        continuation.finish()
    }
}
