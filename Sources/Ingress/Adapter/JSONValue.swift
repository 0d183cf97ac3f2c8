import Foundation

/// Any JSON value, keeping booleans apart from numbers (a context value must be one or the other).
enum JSONValue: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    // Each failed probe throws a DecodingError, whose coding path grows with the depth. So
    // containers are probed first, objects before arrays (a deep nest costs at most one
    // failed probe per level), then strings before the other scalars: a webhook is mostly
    // string leaves, which cost two failed probes instead of four (JSON decoding was about
    // 12 % of ingress-custom's CPU under load, decisions §44). JSONDecoder never converts
    // between kinds, so the order changes no result. Still, each level's failed probe costs a
    // path as long as its depth: `decode` refuses a deep nest before any of this runs.
    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            var fields: [String: JSONValue] = [:]
            for key in object.allKeys { fields[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(fields)
            return
        }
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let string = try? single.decode(String.self) {
            self = .string(string)
        } else if let bool = try? single.decode(Bool.self) {
            self = .bool(bool)
        } else {
            self = .number(try single.decode(Double.self))
        }
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension JSONValue {
    /// How deep a webhook body or a chat frame may nest arrays and objects. Every payload the
    /// adapters read nests three levels at most (a custom message's attachments).
    static let maximumDepth = 16

    enum DecodingFailure: Error, Equatable {
        case nestedTooDeep, malformed
    }

    /// Decodes JSON text from a sender, refusing without decoding it a document that nests
    /// deeper than `maximumDepth`. JSONDecoder's failed probes cost a coding path as long as
    /// the depth at every level, so a deep nest costs far more than its size: 512 nested
    /// arrays, 1 KB of text, took 0.5 s of CPU to decode (decisions §52).
    static func decode(_ bytes: some Collection<UInt8>) throws(DecodingFailure) -> JSONValue {
        guard nestingDepth(of: bytes, limit: maximumDepth) <= maximumDepth else { throw .nestedTooDeep }
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
        } catch {
            throw .malformed
        }
    }

    /// The deepest nesting of arrays and objects in `bytes`, counting brackets outside
    /// strings; it stops at `limit` + 1. Exact for valid JSON; for anything else it is only a
    /// bound, and the decoder refuses that anyway.
    static func nestingDepth(of bytes: some Collection<UInt8>, limit: Int) -> Int {
        var (depth, deepest) = (0, 0)
        var (inString, escaped) = (false, false)
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > deepest {
                    deepest = depth
                    if deepest > limit { return deepest }
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth -= 1
            default:
                break
            }
        }
        return deepest
    }
}
