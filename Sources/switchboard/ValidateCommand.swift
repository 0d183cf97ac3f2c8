import ArgumentParser
import Foundation
import ProcessRuntime
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
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationFile.load(path: file)
        } catch {
            for line in error.lines { StandardError.print(line) }
            throw ExitCode(error.exitCode)
        }
        for warning in loaded.warnings { StandardError.print(warning.description) }
        print(ConfigurationSummary(loaded.configuration, file: file).text)
    }
}

/// Writes whole lines to standard output unbuffered: `up`'s narration reaches a file or a
/// pipe as it happens, not when a buffer fills.
enum StandardOutput {
    static func print(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

/// Writes lines to standard error (issues go there so stdout stays a clean summary).
enum StandardError {
    static func print(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
