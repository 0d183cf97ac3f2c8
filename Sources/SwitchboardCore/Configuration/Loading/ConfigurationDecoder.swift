import Yams

/// A YAML value at a field path.
struct Field {
    let node: Node
    let path: String
    var line: Int { node.mark?.line ?? 1 }
}

/// An element of a list with the path it was decoded from.
struct Located<Value> {
    let path: String
    let value: Value
}

/// Walks composed YAML nodes, decoding them into model values while collecting every issue
/// with its line and field path. Invalid fields get placeholder values and their paths are
/// remembered, so cross-reference checks can skip them instead of piling up follow-on errors.
/// Lives for one load only; not shared across tasks.
final class ConfigurationDecoder {
    let file: String
    private(set) var errors: [ConfigurationIssue] = []
    private(set) var warnings: [ConfigurationIssue] = []
    private(set) var lines: [String: Int] = [:]
    private var failedPaths: Set<String> = []

    init(file: String) {
        self.file = file
    }

    // MARK: issues

    func error(_ path: String, line: Int, _ reason: String) {
        failedPaths.insert(path)
        errors.append(ConfigurationIssue(severity: .error, file: file, line: line, path: path, reason: reason))
    }

    func error(_ field: Field, _ reason: String) { error(field.path, line: field.line, reason) }

    /// An error at a recorded path (cross-reference checks, which no longer hold nodes).
    func error(at path: String, _ reason: String) { error(path, line: line(of: path), reason) }

    func warning(at path: String, _ reason: String) {
        warnings.append(ConfigurationIssue(severity: .warning, file: file, line: line(of: path), path: path, reason: reason))
    }

    /// Whether decoding `path` or any field under it failed.
    func failed(_ path: String) -> Bool {
        failedPaths.contains(path) || failedPaths.contains { $0.hasPrefix(path + ".") || $0.hasPrefix(path + "[") }
    }

    /// Whether some entry of a list was dropped because its id could not be read (or it was
    /// not a mapping): references to that kind cannot then be judged unknown.
    func someEntryLostItsKey(_ list: String, key: String) -> Bool {
        failedPaths.contains { path in
            guard path.hasPrefix(list + "["), let close = path.firstIndex(of: "]") else { return false }
            let rest = path[path.index(after: close)...]
            return rest.isEmpty || rest == "." + key
        }
    }

    func record(_ field: Field) { lines[field.path] = field.line }

    func line(of path: String) -> Int { ConfigurationSourceMap(file: file, lines: lines).line(of: path) }

    // MARK: structure

    /// The fields of a mapping; reports unknown keys at once, and a non-mapping as an error.
    func mapping(_ field: Field?, allowed: [String], unknown: ((String) -> String)? = nil) -> MappingFields? {
        guard let field else { return nil }
        record(field)
        guard case .mapping(let mapping) = field.node else {
            error(field, "must be a mapping with fields \(allowed.joined(separator: ", ")), got \(describe(field.node))")
            return nil
        }
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                error(Field(node: key, path: field.path), "field names must be plain text")
                continue
            }
            let name = scalar.string
            guard allowed.contains(name) else {
                let suggestion = Self.closest(to: name, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                let reason = unknown?(name) ?? "unknown field '\(name)'\(suggestion); expected one of: \(allowed.joined(separator: ", "))"
                error(Field(node: key, path: field.path.field(name)), reason)
                continue
            }
            values[name] = value
        }
        return MappingFields(path: field.path, line: field.line, values: values, decoder: self)
    }

    /// The items of a list with their paths; nil (after an error) when not a list.
    func list(_ field: Field?, nonEmpty: Bool = false, what: String = "entry") -> [Field]? {
        guard let field else { return nil }
        record(field)
        guard case .sequence(let sequence) = field.node else {
            error(field, "must be a list, got \(describe(field.node))")
            return nil
        }
        if nonEmpty, sequence.isEmpty {
            error(field, "must list at least one \(what)")
        }
        return sequence.enumerated().map { index, node in
            let item = Field(node: node, path: field.path.item(index))
            record(item)
            return item
        }
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar): Self.isNull(node) ? "nothing" : "'\(scalar.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// The allowed name within edit distance 2 of a typo, if exactly one is that close.
    static func closest(to name: String, in candidates: [String]) -> String? {
        let near = candidates.filter { editDistance(name.lowercased(), $0.lowercased()) <= 2 }
        return near.count == 1 ? near.first : nil
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs), b = Array(rhs)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }

    /// `key:` with no value, `~` or `null`: treated as absent.
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}

extension String {
    /// `workStreams[1]` + `capacity` → `workStreams[1].capacity`.
    func field(_ name: String) -> String { isEmpty ? name : "\(self).\(name)" }

    /// `workStreams` + 1 → `workStreams[1]`.
    func item(_ index: Int) -> String { "\(self)[\(index)]" }
}
