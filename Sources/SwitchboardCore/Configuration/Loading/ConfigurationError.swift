/// The error of configuration loading: every issue found, never only the first.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The text is not YAML (a syntax error, with its line).
        case malformedYAML
        /// The YAML breaks one or more rules of the configuration model.
        case invalidConfiguration
    }

    public let code: Code
    /// Errors, in file order.
    public let issues: [ConfigurationIssue]
    /// Warnings found along the way; they would not have failed the load on their own.
    public let warnings: [ConfigurationIssue]

    public init(code: Code, issues: [ConfigurationIssue], warnings: [ConfigurationIssue] = []) {
        self.code = code
        self.issues = issues
        self.warnings = warnings
    }

    /// A one-line summary, e.g. "config/switchboard.yaml: 3 configuration errors".
    public var message: String {
        let file = issues.first?.file ?? "configuration"
        let noun = issues.count == 1 ? "error" : "errors"
        return code == .malformedYAML ? "\(file): malformed YAML" : "\(file): \(issues.count) configuration \(noun)"
    }

    /// One issue per line, as printed by `switchboard validate`.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
