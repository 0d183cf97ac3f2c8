import Yams

/// The known fields of one YAML mapping.
struct MappingFields {
    let path: String
    let line: Int
    let values: [String: Node]
    let decoder: ConfigurationDecoder

    func contains(_ key: String) -> Bool { values[key].map { !ConfigurationDecoder.isNull($0) } ?? false }

    /// The field, or nil when absent or null.
    func optional(_ key: String) -> Field? {
        guard let node = values[key], !ConfigurationDecoder.isNull(node) else { return nil }
        let field = Field(node: node, path: path.field(key))
        decoder.record(field)
        return field
    }

    /// The field, or nil after reporting it missing (at the mapping's line).
    func required(_ key: String) -> Field? {
        if let field = optional(key) { return field }
        let line = values[key].flatMap { $0.mark?.line } ?? line
        decoder.error(path.field(key), line: line, "is required")
        return nil
    }
}
