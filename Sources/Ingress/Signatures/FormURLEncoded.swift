/// `application/x-www-form-urlencoded`, as Twilio posts its webhooks and takes its API
/// calls: `name=value` pairs joined by `&`, `+` for a space, `%XX` for any byte.
///
/// Decoding is strict where it matters: a `%` not followed by two hex digits, or bytes
/// that are not UTF-8 once decoded, make the whole body malformed (a 400), rather than
/// being kept literally as browsers do, since a provider never sends them.
public enum FormURLEncoded {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public struct DecodingFailure: Error, Sendable, Equatable {
        public let reason: String
    }

    /// Every pair in the order sent, repeated names kept. Empty segments (`a=1&&b=2`, a
    /// trailing `&`) are skipped; a segment without `=` is a name with an empty value.
    public static func decode(_ body: some Collection<UInt8>) -> Result<[Field], DecodingFailure> {
        var fields: [Field] = []
        for segment in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = segment.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let rawName = parts[0]
            let rawValue = parts.count > 1 ? parts[1] : rawName[rawName.endIndex...]
            guard let name = decodeComponent(rawName), let value = decodeComponent(rawValue) else {
                return .failure(DecodingFailure(
                    reason: "the form body has a malformed field near \"\(String(decoding: segment.prefix(40), as: UTF8.self))\" (bad %-escape or not UTF-8)"))
            }
            fields.append(Field(name: name, value: value))
        }
        return .success(fields)
    }

    /// `name=value&...` with everything but RFC 3986's unreserved characters escaped.
    public static func encode(_ fields: [Field]) -> String {
        fields.map { escape($0.name) + "=" + escape($0.value) }.joined(separator: "&")
    }

    /// One name or value: `+` is a space, `%XX` a byte; the result must be UTF-8.
    static func decodeComponent(_ raw: some Collection<UInt8>) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(raw.count)
        var index = raw.startIndex
        while index != raw.endIndex {
            let byte = raw[index]
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                let high = raw.index(after: index)
                guard high != raw.endIndex else { return nil }
                let low = raw.index(after: high)
                guard low != raw.endIndex, let value = hexValue(raw[high], raw[low]) else { return nil }
                bytes.append(value)
                index = low
            default:
                bytes.append(byte)
            }
            index = raw.index(after: index)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                escaped.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                escaped.append("+")
            default:
                escaped.append("%")
                escaped.append(hexDigits[Int(byte >> 4)])
                escaped.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return escaped
    }

    private static let hexDigits: [Character] = Array("0123456789ABCDEF")

    private static func hexValue(_ high: UInt8, _ low: UInt8) -> UInt8? {
        guard let high = HMACSignature.nibble(high), let low = HMACSignature.nibble(low) else { return nil }
        return high << 4 | low
    }
}
