/// Protobuf's wire format edited field by field (the message bodies of Wire frames): fields
/// dropped, repeated, given another wire type, varints at their limits, lengths that lie,
/// nested messages mutated in turn. What a peer of another version or a corrupted frame sends.
enum ProtobufMutator {
    /// One field as it is written: key (number and wire type) and the value's bytes as written.
    struct Field {
        var number: UInt64
        var wireType: UInt8
        var value: [UInt8]

        var bytes: [UInt8] { varint(number << 3 | UInt64(wireType)) + value }
    }

    static func mutate(_ body: [UInt8], _ random: inout SplitMix64, depth: Int = 0) -> [UInt8] {
        guard var fields = parse(body), !fields.isEmpty else { return ByteMutator.mutate(body, &random) }
        let index = random.index(fields.count)
        switch random.index(10) {
        case 0: fields.remove(at: index)
        case 1: fields.append(fields[index])
        case 2: fields[index].wireType = UInt8(random.index(8))  // 3, 4 (groups), 6, 7 are invalid
        case 3:
            fields[index].wireType = 0
            fields[index].value = varint(random.pick([0, 1, UInt64.max, UInt64(Int64.max), UInt64(UInt32.max) + 1, 1 << 63]))
        case 4:
            // A varint of more than ten bytes, or one cut short.
            fields[index].value = random.chance(1, in: 2) ? [UInt8](repeating: 0xFF, count: 11) : [0x80]
        case 5:
            // A length prefix longer than what follows, or absurdly large.
            fields[index].wireType = 2
            fields[index].value = varint(random.pick([UInt64(fields[index].value.count + 5), UInt64(Int32.max), UInt64.max])) + fields[index].value
        case 6:
            fields[index].number = random.pick([0, 1, 15, 16, 99, 536_870_911, 536_870_912, UInt64.max >> 3])
        case 7:
            // Bytes that are not UTF-8 where a string is expected, or a huge value.
            fields[index].wireType = 2
            let payload = random.chance(1, in: 2) ? [0xC3, 0x28, 0xFF, 0xFE] : [UInt8](repeating: 0x61, count: random.index(100_000))
            fields[index].value = varint(UInt64(payload.count)) + payload
        default:
            // Into a nested message (or a string that parses as one).
            if fields[index].wireType == 2, depth < 8, let (length, size) = readVarint(fields[index].value, at: 0),
                size + Int(clamping: length) == fields[index].value.count
            {
                let inner = mutate(Array(fields[index].value[size...]), &random, depth: depth + 1)
                fields[index].value = varint(UInt64(inner.count)) + inner
            } else {
                fields.swapAt(index, random.index(fields.count))
            }
        }
        return fields.flatMap(\.bytes)
    }

    /// The fields of a well-formed body; nil when it does not parse.
    static func parse(_ bytes: [UInt8]) -> [Field]? {
        var fields: [Field] = []
        var position = 0
        while position < bytes.count {
            guard let (key, keySize) = readVarint(bytes, at: position) else { return nil }
            position += keySize
            let wireType = UInt8(key & 7)
            let start = position
            switch wireType {
            case 0:
                guard let (_, size) = readVarint(bytes, at: position) else { return nil }
                position += size
            case 1: position += 8
            case 5: position += 4
            case 2:
                guard let (length, size) = readVarint(bytes, at: position), length <= UInt64(bytes.count) else { return nil }
                position += size + Int(length)
            default: return nil
            }
            guard position <= bytes.count else { return nil }
            fields.append(Field(number: key >> 3, wireType: wireType, value: Array(bytes[start..<position])))
        }
        return fields
    }

    static func readVarint(_ bytes: [UInt8], at start: Int) -> (UInt64, Int)? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var position = start
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            value |= UInt64(byte & 0x7F) << shift
            position += 1
            if byte & 0x80 == 0 { return (value, position - start) }
            shift += 7
        }
        return nil
    }

    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
        return bytes
    }
}
