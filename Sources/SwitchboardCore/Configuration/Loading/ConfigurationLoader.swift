import Synchronization
import Yams

/// Loads a configuration from YAML text: decodes it with line numbers, validates every rule
/// of spec §1 and returns either the configuration or every issue at once. No I/O: the
/// caller reads the file and passes the name to use in messages.
public enum ConfigurationLoader {
    /// Yams resolves scalar tags with Foundation's NSRegularExpression, which crashes on
    /// Linux when two threads use it at once (a crash seen in our test run). Loading a
    /// configuration is rare, so every use of Yams takes its turn through this lock.
    private static let yamlParser = Mutex<Void>(())

    /// Runs `body`, which uses Yams, while no other thread does.
    public static func withYAMLParser<T>(_ body: () throws -> T) rethrows -> T {
        try yamlParser.withLock { _ in try body() }
    }

    public static func load(yaml: String, file: String) -> Result<LoadedConfiguration, ConfigurationError> {
        withYAMLParser { loadAlone(yaml: yaml, file: file) }
    }

    private static func loadAlone(yaml: String, file: String) -> Result<LoadedConfiguration, ConfigurationError> {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            return .failure(ConfigurationError(code: .malformedYAML, issues: [syntaxIssue(error, file: file)]))
        }
        let decoder = ConfigurationDecoder(file: file)
        let document = decoder.decodeDocument(root)
        ConfigurationValidator(decoder: decoder, document: document).validate()
        let sourceMap = ConfigurationSourceMap(file: file, lines: decoder.lines)
        let errors = ordered(decoder.errors)
        let warnings = ordered(decoder.warnings)
        guard errors.isEmpty, let configuration = document.configuration() else {
            return .failure(ConfigurationError(code: .invalidConfiguration, issues: errors, warnings: warnings))
        }
        return .success(LoadedConfiguration(configuration: configuration, warnings: warnings, sourceMap: sourceMap))
    }

    /// Issues in file order; stable, so issues on one line keep the order they were found in.
    private static func ordered(_ issues: [ConfigurationIssue]) -> [ConfigurationIssue] {
        issues.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
    }

    /// Yams points at a duplicate key's first occurrence; the repeat is the line to fix.
    private static func repeatLine(of key: String, after mark: Mark, in yaml: String) -> Int? {
        let indent = String(repeating: " ", count: max(mark.column - 1, 0))
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        for index in mark.line..<lines.count where lines[index].hasPrefix(indent + key + ":") {
            return index + 1
        }
        return nil
    }

    private static func syntaxIssue(_ error: any Error, file: String) -> ConfigurationIssue {
        func issue(_ problem: String, _ mark: Mark?, context: YamlError.Context? = nil) -> ConfigurationIssue {
            var reason = "YAML syntax error: \(problem)"
            if let context, !context.text.isEmpty, context.text.count < 80 {
                reason += " (\(context.text) at line \(context.mark.line))"
            }
            return ConfigurationIssue(severity: .error, file: file, line: mark?.line ?? 1, column: mark?.column, path: "", reason: reason)
        }
        guard let yamlError = error as? YamlError else { return issue("\(error)", nil) }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            return issue(problem, mark, context: context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            let line = duplicates.first.flatMap { repeatLine(of: $0, after: context.mark, in: context.text) } ?? context.mark.line
            return ConfigurationIssue(severity: .error, file: file, line: line, path: "", reason: "YAML syntax error: duplicate key \(names) in one mapping")
        case .reader(let problem, _, _, _):
            return issue(problem, nil)
        default:
            return issue("\(yamlError)", nil)
        }
    }
}
