/// The line of each field path in the file, e.g. `queues[0].agents[1]` → 87.
public struct ConfigurationSourceMap: Sendable, Hashable {
    public let file: String
    let lines: [String: Int]

    /// The line of `path`, or of its nearest recorded parent, or 1.
    public func line(of path: String) -> Int {
        var current = path
        while !current.isEmpty {
            if let line = lines[current] { return line }
            current = Self.parent(of: current)
        }
        return 1
    }

    /// `a.b[2].c` → `a.b[2]` → `a.b` → `a` → "".
    static func parent(of path: String) -> String {
        guard let cut = path.lastIndex(where: { $0 == "." || $0 == "[" }) else { return "" }
        return String(path[..<cut])
    }
}
