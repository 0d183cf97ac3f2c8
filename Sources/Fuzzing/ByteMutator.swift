/// Byte-level breakage of a valid input: what a broken proxy, a truncated upload or an
/// attacker sends. The structure-aware mutations are `JSONMutator`'s.
public enum ByteMutator {
    /// Bytes that mean something to the parsers behind the adapters (JSON, forms, UTF-8).
    static let specials: [UInt8] = Array("%&=+{}[]\",:\\\u{0}\n".utf8) + [0xFF, 0xC3, 0xE2, 0x80, 0xF0]

    /// `bytes` with one to three byte-level edits; `other` is another valid input to splice in.
    public static func mutate(_ bytes: [UInt8], splicing other: [UInt8] = [], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        for _ in 0...random.index(3) {
            bytes = mutateOnce(bytes, splicing: other, &random)
        }
        return bytes
    }

    static func mutateOnce(_ bytes: [UInt8], splicing other: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        switch random.index(9) {
        case 0:  // random garbage
            return random.bytes(random.index(300))
        case 1:  // flip a bit
            if !bytes.isEmpty { bytes[random.index(bytes.count)] ^= 1 << UInt8(random.index(8)) }
        case 2:  // overwrite a few bytes
            for _ in 0...random.index(4) where !bytes.isEmpty {
                bytes[random.index(bytes.count)] = UInt8.random(in: 0...255, using: &random)
            }
        case 3:  // truncate
            bytes = Array(bytes.prefix(random.index(bytes.count + 1)))
        case 4:  // insert structural characters
            for _ in 0...random.index(4) {
                bytes.insert(random.pick(specials), at: random.index(bytes.count + 1))
            }
        case 5:  // duplicate a slice
            if !bytes.isEmpty {
                let start = random.index(bytes.count)
                let end = start + random.index(bytes.count - start + 1)
                bytes.insert(contentsOf: bytes[start..<end], at: random.index(bytes.count + 1))
            }
        case 6:  // delete a slice
            if !bytes.isEmpty {
                let start = random.index(bytes.count)
                bytes.removeSubrange(start..<(start + random.index(bytes.count - start + 1)))
            }
        case 7:  // splice: the head of this input, the tail of another
            let head = bytes.prefix(random.index(bytes.count + 1))
            let tail = other.suffix(random.index(other.count + 1))
            bytes = Array(head) + Array(tail)
        default:  // a large run of one byte (buffer sizes, limits)
            let run = [UInt8](repeating: random.pick(specials + [UInt8(ascii: "a"), 0x20]), count: 1 + random.index(70_000))
            bytes.insert(contentsOf: run, at: random.index(bytes.count + 1))
        }
        return bytes
    }
}
