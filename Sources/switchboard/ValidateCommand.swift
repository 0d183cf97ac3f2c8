import ArgumentParser
import Foundation
import SwitchboardCore

/// `switchboard validate FILE`: loads a configuration and reports every issue, or a summary.
///
/// Exit status: 0 valid (warnings allowed), 1 invalid, 2 the file could not be read.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a configuration file and print every problem with its line.",
        discussion: "Prints each error on its own line to standard error and exits 1, or prints warnings and a summary and exits 0."
    )

    @Argument(help: "The configuration file, e.g. config/switchboard.yaml.")
    var file: String

    func run() throws {
        let text: String
        do {
            text = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            StandardError.print("error: cannot read configuration file '\(file)': \(Self.reason(error))")
            throw ExitCode(2)
        }
        switch ConfigurationLoader.load(yaml: text, file: file) {
        case .failure(let failure):
            for issue in failure.issues { StandardError.print(issue.description) }
            for warning in failure.warnings { StandardError.print(warning.description) }
            StandardError.print(failure.message)
            throw ExitCode(1)
        case .success(let loaded):
            for warning in loaded.warnings { StandardError.print(warning.description) }
            print(ConfigurationSummary(loaded.configuration, file: file).text)
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

/// Writes lines to standard error (issues go there so stdout stays a clean summary).
enum StandardError {
    static func print(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
