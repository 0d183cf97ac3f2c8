import Foundation

/// SplitMix64: small, fast, seedable; good enough to drive a fuzzer reproducibly (the same
/// seed gives the same inputs on every machine and every run).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    /// The seed in environment variable `variable` when set (to replay a failing run), else a
    /// fresh random one. Print it before the run so it survives a crash.
    public static func seed(fromEnvironment variable: String) -> UInt64 {
        if let text = ProcessInfo.processInfo.environment[variable], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 0...UInt64.max)
    }

    /// An index below `count` (0 when `count` is 0).
    public mutating func index(_ count: Int) -> Int {
        count > 0 ? Int.random(in: 0..<count, using: &self) : 0
    }

    /// True with probability `numerator` / `denominator`.
    public mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        index(denominator) < numerator
    }

    /// One of `choices` (which must not be empty).
    public mutating func pick<Element>(_ choices: [Element]) -> Element {
        choices[index(choices.count)]
    }

    /// `count` random bytes.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }

    /// A string of up to `maximumCount` characters of `alphabet`.
    public mutating func token(_ alphabet: String = "abcdefghijklmnopqrstuvwxyz0123456789-_.~%+=&", maximumCount: Int = 24) -> String {
        let characters = Array(alphabet)
        return String((0..<index(maximumCount + 1)).map { _ in pick(characters) })
    }
}
