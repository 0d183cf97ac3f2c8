import ArgumentParser
import Foundation
import Logging
import ProcessRuntime
import ServiceLifecycle
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
    var logLevel: Logger.Level = .warning

    @Flag(name: .long, help: "Connect simulated agents, send sample conversations and print each step; then stop (unless --keep-running).")
    var demo = false

    @Flag(name: .long, help: "With --demo: keep the system running after the demo.")
    var keepRunning = false

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
        let environment = ProcessInfo.processInfo.environment
        let generated = demo ? DemoSecrets.fill(for: configuration, environment: environment) : [:]
        if !generated.isEmpty {
            StandardOutput.print("demo: generated values for \(generated.count) unset secret variables (for this run only)")
        }
        let missing = configuration.secretReferences.map(\.environmentVariable)
            .filter { (environment[$0] ?? generated[$0] ?? "").isEmpty }
        if !missing.isEmpty {
            StandardError.print("warning: unset secret variables (the processes needing them will refuse to start or refuse those logins): \(missing.joined(separator: ", "))")
        }
        StandardOutput.print(plan.listing)
        StructuredLogHandler.bootstrap(process: "switchboard-up", format: .logfmt, level: .warning)
        let logger = Logger(label: "switchboard-up")
        let say: @Sendable (String) -> Void = { line in StandardOutput.print(line) }
        let children = plan.children.map { child in
            var child = child
            child.environment.merge(generated) { _, new in new }
            return child
        }
        let supervisor = ProcessSupervisor(children: children, logger: logger, report: { say("[up] \($0)") })
        var finishing: [any Service] = []
        if demo {
            let secrets = environment.merging(generated) { _, new in new }
            finishing.append(DemoScenario(configuration: configuration, secrets: secrets, keepRunning: keepRunning, logger: logger, say: say))
        }
        // The demo's end stops everything gracefully, as Ctrl-C does.
        try await ProcessServiceGroup.run(services: [supervisor], finishing: finishing, logger: logger, gracefulShutdownLimit: .seconds(20))
    }

    /// Where the other executables are: beside this one (`swift build` puts them together).
    static func binDirectory() throws -> String {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().path
    }
}

