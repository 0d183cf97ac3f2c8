/// Valid JSON of the wrong shape: what reaches a payload decoder once the request is signed
/// (the byte-level breakage is `ByteMutator`'s). Fields dropped, duplicated or retyped;
/// huge, empty and unusual Unicode strings; deep nesting; numbers out of every range.
public enum JSONMutator {
    /// The same JSON with one to three structural edits. Input that is not JSON comes back unchanged.
    public static func mutate(_ body: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        guard var tree = JSONTree(parsing: body) else { return body }
        for _ in 0...random.index(3) {
            tree = mutate(tree, depth: 0, &random)
        }
        return tree.bytes
    }

    static func mutate(_ value: JSONTree, depth: Int, _ random: inout SplitMix64) -> JSONTree {
        // Descend most of the time, so deep fields (ids, timestamps) get hit too.
        let descend = depth < 24 && !random.chance(1, in: 7)
        switch value {
        case .object(var members) where !members.isEmpty && descend:
            let index = random.index(members.count)
            switch random.index(12) {
            case 0: members.remove(at: index)
            case 1: members.append(members[index])  // the same key twice
            case 2: members.append(JSONTree.Member(members[index].key, replacement(&random)))
            case 3: members[index].key = random.pick(["", members[index].key.uppercased(), members[index].key + "\u{0}", "__proto__"])
            default: members[index].value = mutate(members[index].value, depth: depth + 1, &random)
            }
            return .object(members)
        case .array(var elements) where !elements.isEmpty && descend:
            let index = random.index(elements.count)
            switch random.index(8) {
            case 0: elements.append(elements[index])
            case 1: elements.remove(at: index)
            case 2: elements = Array(repeating: elements[index], count: 1 + random.index(200))
            default: elements[index] = mutate(elements[index], depth: depth + 1, &random)
            }
            return .array(elements)
        default:
            return random.chance(1, in: 6) ? nested(value, &random) : replacement(&random)
        }
    }

    /// `value` inside hundreds or thousands of arrays or objects (parsers' depth limits).
    static func nested(_ value: JSONTree, _ random: inout SplitMix64) -> JSONTree {
        var tree = value
        let arrays = random.chance(1, in: 2)
        for _ in 0..<(1 + random.index(random.chance(1, in: 4) ? 2_000 : 64)) {
            tree = arrays ? .array([tree]) : .object([JSONTree.Member("a", tree)])
        }
        return tree
    }

    /// Numbers that overflow Int64, Double and Int32, and the edge values around them.
    static let numbers = [
        "0", "-0", "1", "-1", "1.5", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890", "1e308", "1e400", "-1e400",
        "1e-400", "4.9e-324", "0.1e1", "1E+2", "1717000000123", "17170000001230000000", "-1717000000123",
    ]

    /// Strings a parser must keep intact or refuse: empty, control characters, bidi
    /// overrides, combining marks, astral emoji, URLs, times at the edge of the calendar,
    /// ids that look like the providers'.
    static let strings = [
        "", " ", "\u{0}", "\u{0}\u{1}\u{1F}", "\u{202E}gnp.exe", "e\u{301}\u{301}\u{301}", "\u{1F4E6}\u{1F468}\u{200D}\u{1F469}",
        "\u{FEFF}BOM", "\u{FFFD}", "'\"<script>", "%00%ff", "../../etc/passwd", "https://example.test/a?b=c#d", "null", "true",
        "1717000000", "+15550001111", "2024-05-29T16:26:40Z", "99999999-01-01T00:00:00Z", "-9999-01-01T00:00:00Z",
        "2024-02-30T25:61:61Z", "2024-05-29T16:26:40.123456789+99:99", "900000000000001", "200000000000001", "1500000000000000001", "wamid.X", "m_X",
    ]

    static func replacement(_ random: inout SplitMix64) -> JSONTree {
        switch random.index(12) {
        case 0: return .raw("null")
        case 1: return .raw(random.chance(1, in: 2) ? "true" : "false")
        case 2, 3: return .raw(random.pick(numbers))
        case 4: return .raw(String(Int64.random(in: .min ... .max, using: &random)))
        case 5, 6: return .string(random.pick(strings))
        case 7: return .string(String(repeating: random.pick(["x", "é", "\u{1F4E6}", "9"]), count: random.index(random.chance(1, in: 16) ? 200_000 : 2_000)))
        case 8: return .array([])
        case 9: return .object([])
        case 10: return .array([.string("a"), .raw("1"), .raw("null"), .object([])])
        default:
            // A plausible message-shaped object, so type checks deeper in the decoder run.
            return .object([
                JSONTree.Member("id", .string("900000000000001")), JSONTree.Member("mid", .string("m_x")),
                JSONTree.Member("type", .string(random.pick(["text", "image", "message_create", "message"]))),
                JSONTree.Member("text", .string("hi")),
            ])
        }
    }
}

extension JSONMutator {
    /// `body` with its top-level string field `key` set to a fresh id (a valid new message).
    static func withUniqueID(_ body: [UInt8], key: String, _ random: inout SplitMix64) -> [UInt8] {
        guard case .object(var members) = JSONTree(parsing: body) else { return body }
        let id = "fuzz-" + String(random.next(), radix: 36)
        if let index = members.firstIndex(where: { $0.key == key }) { members[index].value = .string(id) }
        return JSONTree.object(members).bytes
    }
}
