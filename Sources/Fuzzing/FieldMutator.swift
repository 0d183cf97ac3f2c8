import Wire

/// What a service under fuzz knows by name: its configuration's names and the ids it has
/// issued or taken. Mutations put these in fields (often in the wrong one), so an input that
/// is well formed but inconsistent gets past the first lookup: a Deliver naming a real
/// conversation of another queue, a transfer of a real conversation to a queue that does not
/// exist, an ack of a real delivery from the wrong peer.
struct KnownValues: Sendable {
    enum Kind: CaseIterable, Sendable {
        case channel, channelType, queue, workStream, conversation, agent, offer, reservation, distributor, customer
    }

    private var strings: [Kind: [String]] = [:]
    private(set) var ids: [MessageID] = []
    /// How many of each are kept (the newest): enough to repeat, bounded for a long run.
    static let limit = 256

    mutating func add(_ value: String, as kind: Kind) {
        guard !value.isEmpty, strings[kind]?.contains(value) != true else { return }
        strings[kind, default: []].append(value)
        if strings[kind, default: []].count > Self.limit { strings[kind]?.removeFirst() }
    }

    mutating func add(_ id: MessageID) {
        ids.append(id)
        if ids.count > Self.limit { ids.removeFirst() }
    }

    func strings(_ kind: Kind) -> [String] { strings[kind] ?? [] }
}

/// Field-level edits of decoded Wire messages: a value the service knows (of the right kind
/// or another), a near miss of it, empty, huge, odd Unicode, numbers at their limits, lists
/// emptied, repeated or grown. The messages stay well formed unless an edit empties a field
/// the decoder requires, which the receiving link then drops (the fuzzer predicts that by
/// decoding what it sends).
enum FieldMutator {
    static let oddStrings = [
        "", " ", "\u{0}", "a\u{0}b", "\u{202E}evil", "e\u{301}", "é", "🙂", "\u{FEFF}", "\n", "%", "_", "*",
        "'; DROP TABLE conversation; --", "../../etc/passwd", "NULL", "null", "-1", "0", "18446744073709551616",
    ]

    static func string(_ value: String, kind: KnownValues.Kind, _ known: KnownValues, _ random: inout SplitMix64) -> String {
        let sameKind = known.strings(kind)
        switch random.index(12) {
        case 0..<3 where !sameKind.isEmpty: return random.pick(sameKind)
        case 3:
            let other = known.strings(random.pick(KnownValues.Kind.allCases))
            return other.isEmpty ? value : random.pick(other)
        case 4: return ""
        case 5: return random.pick(oddStrings)
        case 6:
            // Near misses: the lookup must be exact.
            switch random.index(4) {
            case 0: return value.uppercased()
            case 1: return " " + value
            case 2: return value + "\u{0}"
            default: return String(value.dropLast())
            }
        case 7:
            if random.chance(1, in: 20) { return String(repeating: "x", count: 1 << 20) }
            return String(repeating: random.pick(["x", "é", "🙂", "\u{0}"]), count: random.index(20_000))
        case 8: return value + value
        default: return random.token()
        }
    }

    static func integer<I: FixedWidthInteger>(_ value: I, _ random: inout SplitMix64) -> I {
        switch random.index(7) {
        case 0: return 0
        case 1: return I.max
        case 2: return I.min
        case 3: return value &+ 1
        case 4: return value &- 1
        case 5: return I(truncatingIfNeeded: random.next())
        default: return I(truncatingIfNeeded: random.index(5))
        }
    }

    static func id(_ value: MessageID, _ known: KnownValues, _ random: inout SplitMix64) -> MessageID {
        switch random.index(6) {
        case 0..<3 where !known.ids.isEmpty: return random.pick(known.ids)
        case 3: return MessageID(prefix: 0, counter: 0)
        case 4: return MessageID(prefix: value.prefix, counter: value.counter &+ 1)
        default: return MessageID(prefix: random.next(), counter: random.next())
        }
    }

    static func list(_ values: [String], kind: KnownValues.Kind, _ known: KnownValues, _ random: inout SplitMix64) -> [String] {
        var values = values
        switch random.index(6) {
        case 0: return []
        case 1: return values + values
        case 2: values.append(string(values.first ?? "", kind: kind, known, &random))
        case 3: return (0..<(1 + random.index(2_000))).map { "q\($0)" }
        case 4 where !values.isEmpty: values[random.index(values.count)] = string(values[0], kind: kind, known, &random)
        default: values.shuffle(using: &random)
        }
        return values
    }

    static func context(_ values: [String: ContextValue], _ known: KnownValues, _ random: inout SplitMix64) -> [String: ContextValue] {
        var values = values
        switch random.index(4) {
        case 0: return [:]
        case 1: values[string("key", kind: .customer, known, &random)] = .text(string("value", kind: .customer, known, &random))
        case 2: values[random.token()] = .number(random.pick([.nan, .infinity, -.infinity, .greatestFiniteMagnitude, -0.0, .leastNonzeroMagnitude]))
        default:
            for index in 0..<(1 + random.index(3_000)) { values["k\(index)"] = .text(random.token()) }
        }
        return values
    }

    static func outcome(_ random: inout SplitMix64) -> AckOutcome {
        switch random.index(4) {
        case 0: .duplicate
        case 1: .rejected(reason: random.pick(oddStrings))
        default: .accepted
        }
    }

    /// One to three edits of `message` by `edits`; each edit changes one field.
    static func apply<T>(_ edits: [(inout T, inout SplitMix64) -> Void], to message: T, _ random: inout SplitMix64) -> T {
        var message = message
        guard !edits.isEmpty else { return message }
        for _ in 0...random.index(3) { random.pick(edits)(&message, &random) }
        return message
    }
}
