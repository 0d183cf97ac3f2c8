import ArgumentParser

/// The operators' command (spec §3, I4). Each subcommand lives in its own file.
@main
struct SwitchboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switchboard",
        abstract: "Operate a Switchboard omnichannel routing system.",
        subcommands: [
            ValidateCommand.self, UpCommand.self, DemoCommand.self, StatusCommand.self, BenchCommand.self, BenchNodeCommand.self,
            ChaosCommand.self, FuzzCommand.self,
        ]
    )
}
