import ArgumentParser
import Logging

/// The options every Switchboard executable takes. Each executable adds its own (endpoint
/// overrides, `--queues`) with `@OptionGroup var common: ProcessOptions` beside them.
public struct ProcessOptions: ParsableArguments, Sendable {
    @Option(name: .long, help: ArgumentHelp("The configuration file.", valueName: "file"))
    public var config: String = "config/switchboard.yaml"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where this process keeps its stores (each process uses its own subdirectory). Overrides system.dataDir.",
            valueName: "dir"))
    public var dataDir: String?

    @Option(name: .long, help: "Lowest level logged: trace, debug, info, notice, warning, error, critical.")
    public var logLevel: Logger.Level = .info

    @Option(name: .long, help: "Log line format: logfmt (for people) or json (for collectors).")
    public var logFormat: StructuredLogHandler.Format = .logfmt

    public init() {}
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
extension StructuredLogHandler.Format: ExpressibleByArgument {}
