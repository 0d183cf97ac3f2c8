import Foundation
import Testing

import Fuzzing  // SplitMix64: a seeded generator, so a failure repeats
import JSONText

/// `JSONReader` replaces `JSONDecoder` on the hot paths (decisions §53): it must read what
/// JSONDecoder reads, the same way, and refuse what it refuses.
@Suite struct JSONReaderTests {
    private static func read(_ text: String, maximumDepth: Int = 64) -> JSONValue? {
        try? JSONReader.read(text, maximumDepth: maximumDepth)
    }

    @Test func readsEveryKindOfValue() throws {
        let text = #" { "s": "a\"b\\c\/d\b\f\n\r\t\u00e9\u260e\ud83d\ude00", "i": -42, "big": 123456789012345678901, "d": 2.5e-3, "z": -0, "t": true, "f": false, "n": null, "a": [1, [], {}], "o": {"k": "v"} } "#
        let value = try JSONReader.read(text)
        #expect(value == [
            "s": .string("a\"b\\c/d\u{08}\u{0C}\n\r\té☎😀"), "i": .integer(-42), "big": .number(123456789012345678901),
            "d": .number(0.0025), "z": .integer(0), "t": .bool(true), "f": .bool(false), "n": .null,
            "a": .array([.integer(1), .array([]), .object([:])]), "o": ["k": "v"],
        ])
    }

    @Test func wholeNumbersWithinInt64AreIntegersAndTheRestDoubles() {
        #expect(Self.read("9223372036854775807") == .integer(.max))
        #expect(Self.read("-9223372036854775808") == .integer(.min))
        #expect(Self.read("999999999999999999") == .integer(999_999_999_999_999_999))
        #expect(Self.read("9223372036854775808") == .number(9_223_372_036_854_775_808))
        #expect(Self.read("1.0") == .number(1))
        #expect(Self.read("1E2") == .number(100))
    }

    @Test(arguments: [
        "", " ", "{", "[", "[1,]", "{\"a\":1,}", "{'a':1}", "{a:1}", "[1 2]", "{\"a\" 1}", "01", "+1", ".5", "1.", "1e", "-",
        "NaN", "Infinity", "1e400", "tru", "nul", "\"abc", "\"a\u{01}b\"", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"",
        "\"\\ud800\\u0041\"", "[1] x", "// c\n1", "\u{FEFF}1",
    ])
    func refusesWhatIsNotJSON(_ text: String) {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read(text) }
    }

    @Test func refusesInvalidUTF8InAString() {
        let bytes: [UInt8] = [UInt8(ascii: "\"")] + [0xC3, 0x28] + [UInt8(ascii: "\"")]
        #expect(throws: JSONReader.Failure.self) { try JSONReader.read(bytes) }
    }

    @Test func refusesNestingDeeperThanItsLimitBeforeReadingIt() {
        let deep = String(repeating: "[", count: 17) + String(repeating: "]", count: 17)
        #expect(Self.read(deep, maximumDepth: 17) != nil)
        #expect(throws: JSONReader.Failure.nestedTooDeep(limit: 16)) { try JSONReader.read(deep, maximumDepth: 16) }
        // Far deeper than any stack would allow a recursive reader, and unclosed: refused at the limit.
        let hostile = String(repeating: "{\"a\":", count: 100_000)
        #expect(throws: JSONReader.Failure.nestedTooDeep(limit: 64)) { try JSONReader.read(hostile) }
    }

    @Test func aRepeatedKeyKeepsItsFirstValueAsWithJSONDecoder() {
        #expect(Self.read(#"{"a":1,"a":2}"#) == ["a": .integer(1)])
    }

    @Test func readsEveryValueBackFromItsText() {
        var random = SplitMix64(seed: 20_261_127)
        for _ in 0..<2_000 {
            let value = Self.randomValue(&random, depth: 0)
            #expect(Self.read(value.text) == value, "\(value.text)")
        }
    }

    /// Differential against JSONDecoder on mutated documents: whatever one accepts the other
    /// accepts, with the same value. JSONDecoder does not tell how a number was written, so
    /// numbers are compared as doubles.
    @Test func acceptsWhatJSONDecoderAcceptsOnMutatedText() {
        var random = SplitMix64(seed: 53)
        var accepted = 0
        let pool: [UInt8] = Array(#"{}[],:"\ -+.eE0123456789tfnu"#.utf8) + [0x00, 0x1F, 0xC3, 0xFF]
        for _ in 0..<5_000 {
            var bytes = Array(Self.randomValue(&random, depth: 0).text.utf8)
            for _ in 0..<Int(random.next() % 3) + 1 where !bytes.isEmpty {
                let at = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[at] = pool[Int(random.next() % UInt64(pool.count))]
                case 1: bytes.remove(at: at)
                default: bytes.insert(pool[Int(random.next() % UInt64(pool.count))], at: at)
                }
            }
            let byReader = (try? JSONReader.read(bytes)).map(Self.numbersAsDoubles)
            let byDecoder = try? JSONDecoder().decode(Decoded.self, from: Data(bytes)).value
            if byReader == nil, byDecoder != nil, Self.isJSONDecoderLeniency(bytes) { continue }
            if byReader != nil, byDecoder == nil, Self.hasZeroWithExponent(bytes) { continue }
            #expect(byReader == byDecoder, "\(bytes)")
            if byReader != nil { accepted += 1 }
        }
        #expect(accepted > 500)  // the mutations leave enough valid documents to compare
    }

    /// What JSONDecoder reads and RFC 8259 does not allow, so the reader refuses: a trailing
    /// comma (`[1,]`), and text that a zero byte in front makes it read as UTF-16.
    private static func isJSONDecoderLeniency(_ bytes: [UInt8]) -> Bool {
        let text = bytes.filter { $0 != UInt8(ascii: " ") }
        let trailingComma = zip(text, text.dropFirst()).contains { $0 == UInt8(ascii: ",") && ($1 == UInt8(ascii: "]") || $1 == UInt8(ascii: "}")) }
        return trailingComma || bytes.prefix(2).contains(0)
    }

    /// JSONDecoder refuses `0e2`, which RFC 8259 allows (a zero with an exponent).
    private static func hasZeroWithExponent(_ bytes: [UInt8]) -> Bool {
        let digits = UInt8(ascii: "0")...UInt8(ascii: "9")
        return bytes.indices.dropLast().contains { index in
            bytes[index] == UInt8(ascii: "0") && (bytes[index + 1] | 0x20) == UInt8(ascii: "e")
                && (index == 0 || !(digits.contains(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: ".")))
        }
    }

    private static func numbersAsDoubles(_ value: JSONValue) -> JSONValue {
        switch value {
        case .integer(let integer): .number(Double(integer))
        case .array(let items): .array(items.map(numbersAsDoubles))
        case .object(let fields): .object(fields.mapValues(numbersAsDoubles))
        default: value
        }
    }

    /// JSONDecoder's reading of any document, every number a double.
    private struct Decoded: Decodable {
        let value: JSONValue
        init(from decoder: any Decoder) throws {
            if var array = try? decoder.unkeyedContainer() {
                var items: [JSONValue] = []
                while !array.isAtEnd { items.append(try array.decode(Decoded.self).value) }
                value = .array(items)
            } else if let object = try? decoder.container(keyedBy: Key.self) {
                var fields: [String: JSONValue] = [:]
                for key in object.allKeys { fields[key.stringValue] = try object.decode(Decoded.self, forKey: key).value }
                value = .object(fields)
            } else {
                let single = try decoder.singleValueContainer()
                if single.decodeNil() {
                    value = .null
                } else if let bool = try? single.decode(Bool.self) {
                    value = .bool(bool)
                } else if let string = try? single.decode(String.self) {
                    value = .string(string)
                } else {
                    value = .number(try single.decode(Double.self))
                }
            }
        }
        private struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    private static func randomValue(_ random: inout SplitMix64, depth: Int) -> JSONValue {
        let strings = ["", "a", "offer", "é ☎ 😀", "quote \" slash \\ /", "tab\tnew\nline", "\u{01}"]
        switch random.next() % (depth > 3 ? 5 : 7) {
        case 0: return .string(strings[Int(random.next() % UInt64(strings.count))])
        case 1: return .integer(Int64(bitPattern: random.next()) >> Int64(random.next() % 64))
        case 2: return .number(Double(Int64(bitPattern: random.next()) % 1_000_000) / 64 + 1.0 / 128)  // never whole
        case 3: return .bool(random.next() % 2 == 0)
        case 4: return .null
        case 5: return .array((0..<Int(random.next() % 4)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            var fields: [String: JSONValue] = [:]
            for _ in 0..<Int(random.next() % 4) {
                fields[strings[Int(random.next() % UInt64(strings.count))] + "k"] = randomValue(&random, depth: depth + 1)
            }
            return .object(fields)
        }
    }
}
