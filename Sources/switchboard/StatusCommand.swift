import ArgumentParser
import AsyncHTTPClient
import Foundation
import ProcessRuntime
import SwitchboardCore

/// `switchboard status`: what the running processes report (spec I4): work streams, queues
/// with owner, waiting count, oldest wait and pending deliveries, agents by presence and load.
///
/// Exit status: 0 every process answered, 1 one or more did not (shown as unreachable or
/// refused), 2 the configuration or the operator secret is missing.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show work streams, queues and agents as the running processes report them.",
        discussion: """
            Asks the router, presence and every distributor of processes: in the configuration for \
            GET /status, in parallel, with the operator secret (the environment variable that \
            system.operatorSecret names) as a Bearer token. A process that does not answer is shown \
            as unreachable and the exit status is 1.
            """)

    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "file"))
    var config: String = "config/switchboard.yaml"

    @Flag(name: .long, help: "Print the merged answers as JSON instead of tables.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Seconds to wait for each process.", valueName: "seconds"))
    var timeout: Double = 2

    func validate() throws {
        guard timeout > 0, timeout <= 60 else { throw ValidationError("--timeout must be more than 0 and at most 60 seconds") }
    }

    func run() async throws {
        let configuration: SwitchboardConfiguration
        do {
            configuration = try ConfigurationFile.load(path: config).configuration
        } catch {
            for line in error.lines { StandardError.print(line) }
            throw ExitCode(error.exitCode)
        }
        let variable = configuration.system.operatorSecret.environmentVariable
        guard let secret = ProcessInfo.processInfo.environment[variable], !secret.isEmpty else {
            StandardError.print("error: environment variable \(variable) (system.operatorSecret) is not set; the processes require it for /status")
            throw ExitCode(2)
        }
        let client = StatusClient(http: .shared, secret: secret, timeoutMilliseconds: Int64(timeout * 1000))
        let system = await client.collect(configuration)
        StandardOutput.print(try json ? Self.jsonText(system) : system.table)
        if !system.allAnswered { throw ExitCode.failure }
    }

    static func jsonText(_ system: OperatorStatus.System) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try encoder.encode(system), as: UTF8.self)
    }
}
