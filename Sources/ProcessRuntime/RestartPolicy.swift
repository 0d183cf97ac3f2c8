/// When `switchboard up` starts a crashed child again: soon after a first crash, then
/// backing off (doubling up to `maximumDelay`) while the child keeps crashing, and from
/// the start again once a run lasted `stableAfter` (a crash then is news, not a loop).
public struct RestartPolicy: Sendable, Equatable {
    public var initialDelay: Duration
    public var maximumDelay: Duration
    public var stableAfter: Duration
    public private(set) var consecutiveCrashes = 0

    public init(initialDelay: Duration = .milliseconds(500), maximumDelay: Duration = .seconds(30), stableAfter: Duration = .seconds(60)) {
        self.initialDelay = initialDelay
        self.maximumDelay = max(initialDelay, maximumDelay)
        self.stableAfter = stableAfter
    }

    /// The wait before restarting a child that just exited after running for `ranFor`.
    public mutating func delay(afterRunningFor ranFor: Duration) -> Duration {
        if ranFor >= stableAfter { consecutiveCrashes = 0 }
        var delay = initialDelay
        var doublings = 0
        while doublings < consecutiveCrashes, delay < maximumDelay {
            delay = delay * 2
            doublings += 1
        }
        consecutiveCrashes += 1
        return min(delay, maximumDelay)
    }
}
