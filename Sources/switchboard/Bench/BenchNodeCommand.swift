import ArgumentParser
import Logging
import ProcessRuntime
import Storage
import SwitchboardCore

/// `switchboard bench-node` (hidden): one process of the raw baseline pipeline that
/// `switchboard bench` starts as a child (see `BaselineNode`).
struct BenchNodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-node", abstract: "One process of switchboard bench's raw baseline pipeline (started by switchboard bench).",
        shouldDisplay: false)

    @Option(name: .long, help: "The role this node plays (ingress, router, distributor, presence): its name in logs and files.")
    var role: String

    @Option(name: .long, help: ArgumentHelp("ZeroMQ endpoint to bind (ROUTER) for the previous hop.", valueName: "endpoint"))
    var listen: String

    @Option(name: .long, help: ArgumentHelp("ZeroMQ endpoint of the next hop (DEALER connects).", valueName: "endpoint"))
    var next: String

    @Option(name: .long, help: ArgumentHelp("Directory for this node's SQLite store.", valueName: "dir"))
    var dataDir: String

    @Option(name: .long, help: "The system's system.cpuScheduling, so the baseline runs as the system does.")
    var cpuScheduling: CPUScheduling = .batch

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "bench-node-\(role)", format: .logfmt, level: .warning)
        let logger = Logger(label: "bench-node")
        ProcessScheduling.apply(cpuScheduling, logger: logger)
        let directory = try DataDirectory(path: dataDir, process: "bench-node-\(role)")
        let node = BaselineNode(role: role, listen: listen, next: next, storePath: directory.storePath("messages"), logger: logger)
        try await ProcessServiceGroup.run(services: [node], logger: logger)
    }
}
