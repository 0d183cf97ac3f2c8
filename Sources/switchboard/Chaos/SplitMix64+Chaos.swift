import Fuzzing

// Chaos draws every random choice from the fuzzer's seeded generator: the same `--seed` gives
// the same kill schedule, pauses and agent behaviour, so a failing run can be repeated.
extension SplitMix64 {
    /// An independent generator for one part of the run (an agent, the kill plan), so adding
    /// draws in one part does not change the others.
    func derived(_ salt: UInt64) -> SplitMix64 {
        var copy = SplitMix64(seed: state ^ (salt &* 0xD6E8_FEB8_6659_FD93))
        _ = copy.next()
        return copy
    }

    /// A duration between `range`'s bounds (seconds).
    mutating func seconds(in range: ClosedRange<Double>) -> Duration {
        let value = range.lowerBound == range.upperBound ? range.lowerBound : Double.random(in: range, using: &self)
        return .nanoseconds(Int64(value * 1e9))
    }
}
