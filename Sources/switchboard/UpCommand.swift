import ArgumentParser
import Foundation
import Logging
import ProcessRuntime
import SwitchboardCore

/// `switchboard up`: the whole system on one machine from one configuration (spec I4).
/// Every process runs as a child; a child that dies is started again (with back-off);
/// Ctrl-C or SIGTERM stops them all.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start every Switchboard process from one configuration and keep them running.",
        discussion: """
            Starts the router, presence, one distributor per processes.distributors entry and one \
            ingress adapter per processes.ingress entry, each as a child process with the same \
            configuration and data directory. A child that exits is started again with back-off. \
            Ctrl-C or SIGTERM stops them all (SIGKILL after 10 s for any that hang).
            """)

    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "file"))
    var config: String = "config/switchboard.yaml"

    @Option(name: .long, help: ArgumentHelp("Data directory (overrides system.dataDir).", valueName: "dir"))
    var dataDir: String?

    @Option(name: .long, help: "Log level of the children.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let loaded: LoadedConfiguration
        do {
            loaded = try ConfigurationFile.load(path: config)
        } catch {
            for line in error.lines { StandardError.print(line) }
            throw ExitCode(error.exitCode)
        }
        let configuration = loaded.configuration
        let plan = try SystemPlan(
            configuration: configuration, configPath: config, dataDirectory: dataDir ?? configuration.system.dataDirectory,
            logLevel: logLevel, binDirectory: try Self.binDirectory())
        let missing = configuration.secretReferences.map(\.environmentVariable)
            .filter { ProcessInfo.processInfo.environment[$0] == nil }
        if !missing.isEmpty {
            StandardError.print("warning: unset secret variables (the processes needing them will refuse to start or refuse those logins): \(missing.joined(separator: ", "))")
        }
        print(plan.listing)
        StructuredLogHandler.bootstrap(process: "switchboard-up", format: .logfmt, level: .warning)
        let supervisor = ProcessSupervisor(
            children: plan.children, logger: Logger(label: "switchboard-up"),
            report: { line in print("[up] \(line)") })
        try await ProcessServiceGroup.run(services: [supervisor], logger: Logger(label: "switchboard-up"), gracefulShutdownLimit: .seconds(20))
    }

    /// Where the other executables are: beside this one (`swift build` puts them together).
    static func binDirectory() throws -> String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().path
    }
}

