/// JSON as the mutator edits it: object members keep their order and may repeat, and
/// numbers keep their text, so a mutation can write what `JSONSerialization` never would
/// (duplicate keys, `1e400`, a 30-digit integer).
public indirect enum JSONTree: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONTree

        public init(_ key: String, _ value: JSONTree) {
            self.key = key
            self.value = value
        }
    }

    case object([Member])
    case array([JSONTree])
    case string(String)
    /// A number, `true`, `false` or `null`, exactly as written (not checked).
    case raw(String)

    /// Parses valid JSON; nil for anything else (the mutator's templates are valid).
    public init?(parsing bytes: [UInt8]) {
        var parser = Parser(bytes: bytes)
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipSpace()
        guard parser.position == bytes.count else { return nil }
        self = value
    }

    /// Compact JSON text (the bytes a mutated request carries).
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string(let text):
            Self.writeString(text, into: &out)
        case .raw(let text):
            out.append(contentsOf: text.utf8)
        }
    }

    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: Array(#"\""#.utf8))
            case UInt8(ascii: "\\"): out.append(contentsOf: Array(#"\\"#.utf8))
            case 0..<0x20: out.append(contentsOf: Array(("\\u00" + (byte < 16 ? "0" : "") + String(byte, radix: 16)).utf8))
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A recursive-descent reader of standard JSON.
    struct Parser {
        let bytes: [UInt8]
        var position = 0

        mutating func skipSpace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
        }

        mutating func value(depth: Int) -> JSONTree? {
            skipSpace()
            guard position < bytes.count, depth < 256 else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "{"):
                position += 1
                var members: [Member] = []
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .object([])
                }
                while true {
                    skipSpace()
                    guard let key = string() else { return nil }
                    skipSpace()
                    guard expect(":"), let value = value(depth: depth + 1) else { return nil }
                    members.append(Member(key, value))
                    skipSpace()
                    if expect(",") { continue }
                    return expect("}") ? .object(members) : nil
                }
            case UInt8(ascii: "["):
                position += 1
                var elements: [JSONTree] = []
                skipSpace()
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                    position += 1
                    return .array([])
                }
                while true {
                    guard let element = value(depth: depth + 1) else { return nil }
                    elements.append(element)
                    skipSpace()
                    if expect(",") { continue }
                    return expect("]") ? .array(elements) : nil
                }
            case UInt8(ascii: "\""):
                return string().map(JSONTree.string)
            default:
                let start = position
                while position < bytes.count, !Array(",]} \t\r\n".utf8).contains(bytes[position]) { position += 1 }
                guard position > start else { return nil }
                return .raw(String(decoding: bytes[start..<position], as: UTF8.self))
            }
        }

        mutating func expect(_ character: Unicode.Scalar) -> Bool {
            guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
            position += 1
            return true
        }

        mutating func string() -> String? {
            guard expect("\"") else { return nil }
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll()
            }
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == UInt8(ascii: "\"") {
                    flush()
                    return String(scalars)
                }
                guard byte == UInt8(ascii: "\\") else {
                    run.append(byte)
                    continue
                }
                flush()
                guard position < bytes.count else { return nil }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "u"):
                    guard position + 4 <= bytes.count,
                        let code = UInt32(String(decoding: bytes[position..<(position + 4)], as: UTF8.self), radix: 16)
                    else { return nil }
                    position += 4
                    // Surrogate halves are dropped: the templates never need them.
                    if let scalar = Unicode.Scalar(code) { scalars.append(scalar) }
                default: scalars.append(Unicode.Scalar(escape))
                }
            }
            return nil
        }
    }
}

