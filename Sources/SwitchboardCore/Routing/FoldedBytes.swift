/// Byte comparisons over folded text (`RoutingText.fold`): the text operators of W3.
///
/// Both sides are valid UTF-8, so a byte match always starts and ends on a Unicode scalar
/// boundary: these are comparisons of Unicode scalars, written over buffers so that
/// evaluating a rule allocates nothing.
struct FoldedBytes {
    let buffer: UnsafeBufferPointer<UInt8>
    let start: Int
    let count: Int

    /// Index arithmetic cannot overflow: `start + count` is within `buffer`.
    @inline(__always)
    subscript(index: Int) -> UInt8 { buffer[start &+ index] }

    func equals(_ constant: FoldedBytes) -> Bool {
        count == constant.count && matches(constant, at: 0)
    }

    func hasPrefix(_ constant: FoldedBytes) -> Bool {
        count >= constant.count && matches(constant, at: 0)
    }

    func hasSuffix(_ constant: FoldedBytes) -> Bool {
        count >= constant.count && matches(constant, at: count &- constant.count)
    }

    /// Whether `constant` occurs in these bytes; the empty constant occurs everywhere.
    func contains(_ constant: FoldedBytes) -> Bool {
        guard constant.count > 0 else { return true }
        guard count >= constant.count else { return false }
        let first = constant[0]
        var offset = 0
        let lastOffset = count &- constant.count
        while offset <= lastOffset {
            if self[offset] == first && matches(constant, at: offset) { return true }
            offset &+= 1
        }
        return false
    }

    /// Whether `constant` is here from `offset` on (the caller checked that it fits).
    @inline(__always)
    private func matches(_ constant: FoldedBytes, at offset: Int) -> Bool {
        var index = 0
        while index < constant.count {
            if self[offset &+ index] != constant[index] { return false }
            index &+= 1
        }
        return true
    }

    /// FNV-1a over the bytes: where a guard's hash table keeps a text-equality constant
    /// (RuleProgram+Guards), so that a value finds the one it equals in one probe or two.
    var hash: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var index = 0
        while index < count {
            hash = (hash ^ UInt64(self[index])) &* 0x100_0000_01b3
            index &+= 1
        }
        return hash
    }

    /// The set of bytes in a text, hashed onto 64 bits: a text whose mask lacks a bit of a
    /// constant's mask cannot equal, contain, begin or end with it, which rejects most
    /// comparisons without looking at a byte. The hash spreads lower-case ASCII letters,
    /// digits and common punctuation over distinct bits.
    static func mask(_ bytes: some Sequence<UInt8>) -> UInt64 {
        bytes.reduce(0) { mask, byte in mask | (1 << ((UInt64(byte) &* 19) >> 1 & 63)) }
    }
}
