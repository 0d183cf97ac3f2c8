/// One problem found in a configuration file, with where it is and what is wrong.
///
/// Formats as `config/switchboard.yaml:42: workStreams[1].capacity: must be a positive
/// integer, got -3`; warnings carry a `warning: ` prefix.
public struct ConfigurationIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error, warning
    }

    public let severity: Severity
    /// The file name as given to the loader.
    public let file: String
    /// 1-based line.
    public let line: Int
    /// 1-based column, when known.
    public let column: Int?
    /// Path of the field, e.g. `workStreams[1].capacity` (indexes 0-based); empty for the whole file.
    public let path: String
    public let reason: String

    public init(severity: Severity, file: String, line: Int, column: Int? = nil, path: String, reason: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.reason = reason
    }

    public var description: String {
        let location = path.isEmpty ? "\(file):\(line): \(reason)" : "\(file):\(line): \(path): \(reason)"
        return severity == .warning ? "warning: \(location)" : location
    }
}
