import JSONText

/// Any JSON value, keeping booleans apart from numbers (a context value must be one or the other).
enum JSONValue: Equatable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    /// The adapters read every number as a double; `JSONText` keeps whole ones apart.
    init(_ value: JSONText.JSONValue) {
        switch value {
        case .null: self = .null
        case .bool(let bool): self = .bool(bool)
        case .integer(let integer): self = .number(Double(integer))
        case .number(let number): self = .number(number)
        case .string(let string): self = .string(string)
        case .array(let items): self = .array(items.map(JSONValue.init))
        case .object(let fields): self = .object(fields.mapValues(JSONValue.init))
        }
    }
}

extension JSONValue {
    /// How deep a webhook body or a chat frame may nest arrays and objects. Every payload the
    /// adapters read nests three levels at most (a custom message's attachments).
    static let maximumDepth = 16

    enum DecodingFailure: Error, Equatable {
        case nestedTooDeep, malformed
    }

    /// Decodes JSON text from a sender with `JSONReader`, which refuses a document that nests
    /// deeper than `maximumDepth` when it gets there (decisions §52, §53).
    static func decode(_ bytes: some Collection<UInt8>) throws(DecodingFailure) -> JSONValue {
        do throws(JSONReader.Failure) {
            return JSONValue(try JSONReader.read(bytes, maximumDepth: maximumDepth))
        } catch {
            switch error {
            case .nestedTooDeep: throw .nestedTooDeep
            case .malformed: throw .malformed
            }
        }
    }
}
