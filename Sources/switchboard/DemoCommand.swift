import ArgumentParser

/// `switchboard demo`: the same as `switchboard up --demo`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Start the whole system and show conversations travelling to simulated agents (same as up --demo).")

    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "file"))
    var config: String = "config/switchboard.yaml"

    @Option(name: .long, help: ArgumentHelp("Data directory (overrides system.dataDir).", valueName: "dir"))
    var dataDir: String?

    @Flag(name: .long, help: "Keep the system running after the demo.")
    var keepRunning = false

    func run() async throws {
        var arguments = ["--config", config, "--demo"]
        if let dataDir { arguments += ["--data-dir", dataDir] }
        if keepRunning { arguments.append("--keep-running") }
        let up = try UpCommand.parse(arguments)
        try await up.run()
    }
}
