/// A JSON value for the agent protocol's frames (agent.md section 2), written as compact
/// text: presence's frames to agents and `AgentClient`'s frames to presence. Built by hand so
/// each frame's fields stay visible where it is made.
public enum JSONValue: Sendable, Hashable, Encodable, ExpressibleByStringLiteral, ExpressibleByDictionaryLiteral {
    case string(String)
    case number(Double)
    case integer(Int64)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    public init(stringLiteral value: String) { self = .string(value) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }

    /// A string, or null when absent.
    public static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    /// Compact JSON text with sorted keys (stable for tests and logs), slashes unescaped.
    ///
    /// Written by hand rather than with `JSONEncoder`: every frame to an agent goes through
    /// here, and the encoder was about 5 % of presence's CPU under load (decisions §21).
    public var text: String {
        var writer = JSONWriter()
        write(into: &writer)
        return writer.text
    }

    private func write(into writer: inout JSONWriter) {
        switch self {
        case .string(let value): writer.string(value)
        case .number(let value): writer.number(value)
        case .integer(let value): writer.integer(value)
        case .bool(let value): writer.bool(value)
        case .null: writer.null()
        case .array(let values):
            writer.beginArray()
            for value in values { value.write(into: &writer) }
            writer.endArray()
        case .object(let fields):
            writer.beginObject()
            // Members sorted with their values: no second lookup of each key.
            for (key, value) in fields.sorted(by: { $0.key < $1.key }) {
                writer.key(key)
                value.write(into: &writer)
            }
            writer.endObject()
        }
    }
}
