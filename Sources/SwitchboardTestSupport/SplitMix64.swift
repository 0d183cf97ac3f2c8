import Foundation

/// SplitMix64: small, fast, seedable; good enough to drive a fuzzer reproducibly (a failing
/// run is replayed from its printed seed).
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The seed of a run: the environment variable `variable` when set to a number, else a fresh one.
    public static func seed(fromEnvironment variable: String) -> UInt64 {
        ProcessInfo.processInfo.environment[variable].flatMap { UInt64($0) } ?? UInt64.random(in: .min ... .max)
    }
}
