/// Comparison of secret values (a verify token) that takes the same time wherever the
/// first difference is, so a guesser learns nothing from the timing of a rejection.
/// Only the length may show; HMACs go through `HMACSignature` instead.
public enum ConstantTime {
    public static func equal(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}
