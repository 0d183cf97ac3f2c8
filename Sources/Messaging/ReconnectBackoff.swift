/// Exponential back-off between reconnect attempts (zguide ch. 4): quick retries after a
/// blip, a capped pace while a peer stays away, and back to quick after a success.
///
/// Jitter spreads the reconnects of many processes that lost the same peer at once; it is
/// drawn from a generator the owner passes in, so tests stay deterministic.
public struct ReconnectBackoff: Sendable, Equatable {
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// Each delay is multiplied by a factor drawn from `1 - jitter ... 1`.
    public var jitter: Double
    public private(set) var attempt: Int = 0

    public init(initialDelay: Duration = .milliseconds(100), maximumDelay: Duration = .seconds(10), jitter: Double = 0.2) {
        self.initialDelay = initialDelay
        self.maximumDelay = max(initialDelay, maximumDelay)
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay before the next attempt; each call doubles it up to `maximumDelay`.
    public mutating func nextDelay(using generator: inout some RandomNumberGenerator) -> Duration {
        // Doubling stops once past the cap, so the shift never overflows.
        var delay = initialDelay
        var doublings = 0
        while doublings < attempt, delay < maximumDelay {
            delay = delay * 2
            doublings += 1
        }
        delay = min(delay, maximumDelay)
        attempt += 1
        guard jitter > 0 else { return delay }
        return delay * Double.random(in: (1 - jitter)...1, using: &generator)
    }

    /// The link is up again: the next failure starts from `initialDelay`.
    public mutating func reset() {
        attempt = 0
    }
}
