import Foundation
import SwitchboardCore

/// Reads and validates the configuration file a process or command was given. The one
/// place that does this I/O, so every executable reports a bad file the same way.
public enum ConfigurationFile {
    public static func load(path: String) throws(ConfigurationFileError) -> LoadedConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationFileError(code: .unreadable, path: path, lines: ["error: cannot read configuration file '\(path)': \(reason(error))"])
        }
        switch ConfigurationLoader.load(yaml: text, file: path) {
        case .success(let loaded):
            return loaded
        case .failure(let failure):
            let lines = failure.issues.map(\.description) + failure.warnings.map(\.description) + [failure.message]
            throw ConfigurationFileError(code: .invalid, path: path, lines: lines)
        }
    }

    /// The OS reason (e.g. "No such file or directory") rather than Foundation's long wording.
    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError {
            return "No such file or directory"
        }
        return nsError.localizedDescription
    }
}

/// A configuration file that could not be used: `lines` are ready to print, one issue each
/// (`file:line: path: reason`), and `exitCode` is what a command should exit with.
public struct ConfigurationFileError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Hashable {
        case unreadable, invalid
    }

    public let code: Code
    public let path: String
    public let lines: [String]

    /// 1 for an invalid configuration, 2 for a file that could not be read.
    public var exitCode: Int32 { code == .invalid ? 1 : 2 }
    public var description: String { lines.joined(separator: "\n") }
}
