import Foundation
import Logging

/// One log line per event with its metadata as fields (design.md, "Observability"), in one
/// of two formats: `logfmt` for people reading a terminal, and `json` (one object per line)
/// for log collectors. Messages are never parsed: what a service puts in metadata
/// (`conversation.id`, `queue`) becomes a field a collector can filter on.
public struct StructuredLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable {
        case logfmt, json
    }

    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    private let label: String
    private let format: Format
    private let write: @Sendable (String) -> Void

    /// `write` receives each complete line, newline included (stderr in processes, a buffer in tests).
    public init(label: String, format: Format, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.format = format
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let own = event.metadata { fields.merge(own) { _, new in new } }
        if let error = event.error { fields["error"] = "\(error)" }
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
        write(render(time: time, level: event.level, message: event.message.description, fields: fields) + "\n")
    }

    func render(time: String, level: Logger.Level, message: String, fields: Logger.Metadata) -> String {
        let ordered = fields.sorted { $0.key < $1.key }
        switch format {
        case .logfmt:
            var line = "time=\(time) level=\(level) process=\(Self.logfmtValue(label)) msg=\(Self.logfmtValue(message))"
            for (key, value) in ordered {
                line += " \(key)=\(Self.logfmtValue(Self.flatten(value)))"
            }
            return line
        case .json:
            var line = "{\"time\":\(JSONText.quoted(time)),\"level\":\"\(level)\",\"process\":\(JSONText.quoted(label)),"
            line += "\"msg\":\(JSONText.quoted(message))"
            for (key, value) in ordered {
                line += ",\(JSONText.quoted(key)):\(JSONText.quoted(Self.flatten(value)))"
            }
            return line + "}"
        }
    }

    private static func flatten(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): "[" + values.map(flatten).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            "{" + dictionary.sorted { $0.key < $1.key }.map { "\($0.key)=\(flatten($0.value))" }.joined(separator: ",") + "}"
        }
    }

    /// logfmt quotes a value with spaces, quotes, `=` or control characters.
    private static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { $0 == " " || $0 == "\"" || $0 == "=" || $0.value < 0x20 }
        return needsQuotes ? JSONText.quoted(value) : value
    }
}

extension StructuredLogHandler {
    /// Routes every `Logger` of this process to stderr in `format`, at `level` and above.
    /// Called once, first thing in `main` (swift-log allows one bootstrap per process).
    public static func bootstrap(process: String, format: Format, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StructuredLogHandler(label: label, format: format) { line in
                FileHandle.standardError.write(Data(line.utf8))
            }
            handler.logLevel = level
            return handler
        }
    }
}
