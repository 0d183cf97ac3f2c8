/// Reads JSON text (RFC 8259) into a `JSONValue`, for the hot paths where Foundation's
/// `JSONDecoder` cost too much: agent frames on both ends of the agent socket, webhook bodies
/// and chat frames in the adapters (decisions §53).
///
/// `JSONDecoder` reaches a value through the Codable machinery: a keyed container per object,
/// a dictionary lookup and a coding path per member read, and a thrown error (with its path)
/// for every type it probes and misses. The bench's agents spent 16 % of their CPU there, and
/// presence and the custom adapter 4–10 %. This reader makes one pass over the bytes.
///
/// Strict, as RFC 8259 has it: one value with only whitespace around it; no comments,
/// trailing commas, single quotes, leading zeros, `+`, `.5`, `NaN` or numbers beyond a
/// double's range; strings must be valid UTF-8 without raw control characters, and a `\u`
/// escape of half a surrogate pair must have its other half. A whole number within Int64 reads
/// as `integer`, any other number as `number` (as `JSONValue.text` writes them). A repeated
/// object key keeps its first value, as with `JSONDecoder`. `JSONDecoder` also accepts a
/// trailing comma (`[1,]`) and UTF-16 text; this reader refuses both.
///
/// A level of nesting beyond `maximumDepth` is refused as soon as the reader reaches it: the
/// reader recurses once per level, so the limit also bounds its stack.
public struct JSONReader {
    public enum Failure: Error, Sendable, Equatable {
        /// Not JSON: what was wrong, and at which byte.
        case malformed(String, offset: Int)
        /// Arrays and objects nest deeper than the reader's `maximumDepth`.
        case nestedTooDeep(limit: Int)
    }

    /// Reads `bytes` as one JSON document.
    public static func read(_ bytes: some Collection<UInt8>, maximumDepth: Int = 64) throws(Failure) -> JSONValue {
        let read = { (buffer: UnsafeBufferPointer<UInt8>) in Result { () throws(Failure) in try Self.read(buffer: buffer, maximumDepth: maximumDepth) } }
        if let result = bytes.withContiguousStorageIfAvailable(read) { return try result.get() }
        return try Array(bytes).withUnsafeBufferPointer(read).get()
    }

    /// Reads `text` as one JSON document.
    public static func read(_ text: String, maximumDepth: Int = 64) throws(Failure) -> JSONValue {
        var text = text
        return try text.withUTF8 { buffer in Result { () throws(Failure) in try read(buffer: buffer, maximumDepth: maximumDepth) } }.get()
    }

    private static func read(buffer: UnsafeBufferPointer<UInt8>, maximumDepth: Int) throws(Failure) -> JSONValue {
        var reader = JSONReader(bytes: buffer, maximumDepth: maximumDepth)
        let value = try reader.value()
        reader.skipWhitespace()
        guard reader.index == buffer.count else { throw reader.malformed("text after the value") }
        return value
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maximumDepth: Int
    private var index = 0
    private var depth = 0

    private init(bytes: UnsafeBufferPointer<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
    }

    // MARK: values

    private mutating func value() throws(Failure) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw malformed("a value was expected") }
        switch bytes[index] {
        case Byte.openBrace: return try object()
        case Byte.openBracket: return try array()
        case Byte.quote: return .string(try string())
        case UInt8(ascii: "t"):
            try literal("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try literal("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try literal("null")
            return .null
        case Byte.minus, Byte.zero...Byte.nine: return try number()
        default: throw malformed("a value was expected")
        }
    }

    private mutating func object() throws(Failure) -> JSONValue {
        try enterContainer()
        var fields: [String: JSONValue] = [:]
        skipWhitespace()
        if peek() == Byte.closeBrace {
            index += 1
            depth -= 1
            return .object(fields)
        }
        // Room for a frame's usual members at once, instead of growing (and rehashing) from one.
        fields.reserveCapacity(8)
        while true {
            skipWhitespace()
            guard peek() == Byte.quote else { throw malformed("an object key (a string) was expected") }
            let key = try string()
            skipWhitespace()
            guard peek() == Byte.colon else { throw malformed("':' was expected after an object key") }
            index += 1
            let member = try value()
            if fields[key] == nil { fields[key] = member }
            skipWhitespace()
            switch peek() {
            case Byte.comma: index += 1
            case Byte.closeBrace:
                index += 1
                depth -= 1
                return .object(fields)
            default: throw malformed("',' or '}' was expected in an object")
            }
        }
    }

    private mutating func array() throws(Failure) -> JSONValue {
        try enterContainer()
        var items: [JSONValue] = []
        skipWhitespace()
        if peek() == Byte.closeBracket {
            index += 1
            depth -= 1
            return .array(items)
        }
        while true {
            items.append(try value())
            skipWhitespace()
            switch peek() {
            case Byte.comma: index += 1
            case Byte.closeBracket:
                index += 1
                depth -= 1
                return .array(items)
            default: throw malformed("',' or ']' was expected in an array")
            }
        }
    }

    /// Steps over the opening bracket or brace, one level deeper.
    private mutating func enterContainer() throws(Failure) {
        depth += 1
        guard depth <= maximumDepth else { throw .nestedTooDeep(limit: maximumDepth) }
        index += 1
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - index >= count else { throw malformed("a value was expected") }
        let expected = UnsafeBufferPointer(start: word.utf8Start, count: count)
        for offset in 0..<count where bytes[index + offset] != expected[offset] {
            throw malformed("a value was expected")
        }
        index += count
    }

    // MARK: strings

    /// The string that starts at the opening quote under `index`.
    private mutating func string() throws(Failure) -> String {
        index += 1
        let start = index
        // The common case: no escape, so the text is the bytes between the quotes.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == Byte.quote {
                let text = try validated(UnsafeBufferPointer(rebasing: bytes[start..<index]), at: start)
                index += 1
                return text
            }
            if byte == Byte.backslash { break }
            guard byte >= 0x20 else { throw malformed("a control character must be escaped in a string") }
            index += 1
        }
        guard index < bytes.count else { throw malformed("a string is not closed") }
        var unescaped = Array(bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case Byte.quote:
                let text = try unescaped.withUnsafeBufferPointer { buffer throws(Failure) in try validated(buffer, at: start) }
                index += 1
                return text
            case Byte.backslash:
                index += 1
                try escape(into: &unescaped)
            default:
                guard byte >= 0x20 else { throw malformed("a control character must be escaped in a string") }
                unescaped.append(byte)
                index += 1
            }
        }
        throw malformed("a string is not closed")
    }

    /// The escape after a backslash (`index` is past it), appended as UTF-8.
    private mutating func escape(into unescaped: inout [UInt8]) throws(Failure) {
        guard index < bytes.count else { throw malformed("a string is not closed") }
        let letter = bytes[index]
        index += 1
        switch letter {
        case Byte.quote, Byte.backslash, UInt8(ascii: "/"): unescaped.append(letter)
        case UInt8(ascii: "b"): unescaped.append(0x08)
        case UInt8(ascii: "f"): unescaped.append(0x0C)
        case UInt8(ascii: "n"): unescaped.append(0x0A)
        case UInt8(ascii: "r"): unescaped.append(0x0D)
        case UInt8(ascii: "t"): unescaped.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = UInt32(try hexQuad())
            if (0xD800...0xDBFF).contains(scalar) {
                // A high surrogate: only with the low one that must follow does it name a character.
                guard bytes.count - index >= 2, bytes[index] == Byte.backslash, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw malformed("a \\u escape of a high surrogate without its low surrogate")
                }
                index += 2
                let low = UInt32(try hexQuad())
                guard (0xDC00...0xDFFF).contains(low) else { throw malformed("a \\u escape of a high surrogate without its low surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw malformed("a \\u escape of a low surrogate without its high surrogate")
            }
            guard let character = Unicode.Scalar(scalar) else { throw malformed("a \\u escape that is not a character") }
            UTF8.encode(character) { unescaped.append($0) }
        default:
            throw malformed("an unknown escape in a string")
        }
    }

    private mutating func hexQuad() throws(Failure) -> UInt16 {
        guard bytes.count - index >= 4 else { throw malformed("a \\u escape needs four hexadecimal digits") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case Byte.zero...Byte.nine: digit = byte - Byte.zero
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw malformed("a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private func validated(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(Failure) -> String {
        guard let text = String(validating: utf8, as: UTF8.self) else {
            throw .malformed("a string is not valid UTF-8", offset: offset)
        }
        return text
    }

    // MARK: numbers

    /// The number under `index`: `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`.
    private mutating func number() throws(Failure) -> JSONValue {
        let start = index
        let negative = peek() == Byte.minus
        if negative { index += 1 }
        guard let first = peek(), (Byte.zero...Byte.nine).contains(first) else { throw malformed("a digit was expected") }
        // Whole numbers of up to 18 digits are summed here: they fit an Int64 exactly.
        var magnitude: Int64 = 0
        var digits = 0
        if first == Byte.zero {
            index += 1
            digits = 1
        } else {
            while let byte = peek(), (Byte.zero...Byte.nine).contains(byte) {
                if digits < 18 { magnitude = magnitude * 10 + Int64(byte - Byte.zero) }
                digits += 1
                index += 1
            }
        }
        var whole = true
        var significant = first != Byte.zero
        if peek() == UInt8(ascii: ".") {
            whole = false
            index += 1
            if try skipDigits() { significant = true }
        }
        if let byte = peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            whole = false
            index += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == Byte.minus { index += 1 }
            _ = try skipDigits()
        }
        if whole, digits <= 18 { return .integer(negative ? -magnitude : magnitude) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if whole, let integer = Int64(text) { return .integer(integer) }
        // Beyond a double's range either way, as JSONDecoder refuses: too large, or a non-zero
        // number so small it would read as zero.
        guard let double = Double(text), double.isFinite, double != 0 || !significant else {
            throw .malformed("a number beyond a double's range", offset: start)
        }
        return .number(double)
    }

    /// Steps over one or more digits; whether one of them is not zero.
    private mutating func skipDigits() throws(Failure) -> Bool {
        guard let byte = peek(), (Byte.zero...Byte.nine).contains(byte) else { throw malformed("a digit was expected") }
        var nonZero = false
        while let byte = peek(), (Byte.zero...Byte.nine).contains(byte) {
            if byte != Byte.zero { nonZero = true }
            index += 1
        }
        return nonZero
    }

    // MARK: bytes

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func malformed(_ reason: String) -> Failure { .malformed(reason, offset: index) }

    private enum Byte {
        static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
        static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
        static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        static let colon = UInt8(ascii: ":"), comma = UInt8(ascii: ",")
        static let minus = UInt8(ascii: "-"), zero = UInt8(ascii: "0"), nine = UInt8(ascii: "9")
    }
}
