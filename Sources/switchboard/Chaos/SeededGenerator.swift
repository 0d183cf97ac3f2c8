/// A deterministic random number generator (SplitMix64): the same `--seed` gives the same
/// kill schedule, pauses and agent behaviour choices, so a failing chaos run can be repeated.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent generator for one part of the run (an agent, the kill plan), so adding
    /// draws in one part does not change the others.
    func derived(_ salt: UInt64) -> SeededGenerator {
        var copy = SeededGenerator(seed: state ^ (salt &* 0xD6E8_FEB8_6659_FD93))
        _ = copy.next()
        return copy
    }

    /// A duration between `range`'s bounds (seconds).
    mutating func seconds(in range: ClosedRange<Double>) -> Duration {
        let value = range.lowerBound == range.upperBound ? range.lowerBound : Double.random(in: range, using: &self)
        return .nanoseconds(Int64(value * 1e9))
    }
}
