import ArgumentParser
import Logging
import ProcessRuntime
import SwitchboardCore
import ZeroMQ

extension CPUScheduling: ExpressibleByArgument {}

/// `switchboard bench`: starts the real system on loopback in a temporary folder, drives
/// conversations into it and prints what it achieved next to a raw baseline measured in the
/// same run (README, "Benchmark"). Meant for a release build.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the whole system end to end (webhook or Submit → agent Active) against a raw ZeroMQ + SQLite baseline.",
        discussion: """
            Generates a configuration in a temporary folder, starts router, presence, the distributors and \
            ingress-custom as child processes, connects simulated agents over the agent WebSocket and drives \
            conversations in for --warmup + --duration seconds, then measures a raw pipeline of the same \
            process count and hops. Build with -c release for figures worth reading.
            """)

    enum Entry: String, ExpressibleByArgument, CaseIterable, Sendable {
        case webhook, submit, both
    }

    @Option(help: "Simulated agents (each a member of every queue).")
    var agents = 20

    @Option(help: "Capacity units of each agent (conversations use 1). High, so throughput is measurable while agents keep conversations.")
    var agentCapacity = 100_000

    @Option(help: "Queues (spread over the distributors).")
    var queues = 4

    @Option(help: "Work streams (one custom channel each).")
    var workStreams = 2

    @Option(help: "Routing rules per work stream (a conversation matches one near the end).")
    var rules = 50

    @Option(help: "Distributor processes.")
    var distributors = 2

    @Option(help: "Conversations per second to offer; omit to drive as fast as possible (bounded by --max-in-flight).")
    var rate: Double?

    @Option(help: "Measured seconds (after the warm-up).")
    var duration: Double = 10

    @Option(help: "Seconds of load before measuring.")
    var warmup: Double = 3

    @Option(help: "Entry point: webhook (signed HTTP at ingress-custom), submit (Wire Submits at the router), or both (one run each).")
    var entry: Entry = .both

    @Option(help: "Concurrent webhook connections.")
    var connections = 32

    @Option(help: "At most this many conversations sent and not yet Active (back-pressure of the load).")
    var maxInFlight = 1_000

    @Option(help: "Milliseconds an agent waits before accepting an offer.")
    var thinkTimeMs: Double = 0

    @Option(help: "Milliseconds an agent keeps a conversation Active before wrapUp and close; negative: never.")
    var handleTimeMs: Double = 1_000

    @Option(help: "Seconds to wait after the load for conversations still in flight.")
    var drain: Double = 30

    @Option(name: .customLong("repeat"), help: "Measure each entry, and the baseline, this many times on the same system; the report adds the median and range of the main figures.")
    var repeats = 1

    @Flag(inversion: .prefixedNo, help: "Measure the raw baseline pipeline too.")
    var baseline = true

    @Flag(help: "Print the report as JSON (progress still goes to stderr).")
    var json = false

    @Flag(help: "Keep the temporary folder (configuration, data directories) after the run.")
    var keepData = false

    @Option(help: "Log level of the child processes (their logs go to stderr).")
    var logLevel: Logger.Level = .error

    @Option(help: "system.cpuScheduling of the system's processes and of the baseline's (decisions §59).")
    var cpuScheduling: CPUScheduling = .batch

    func validate() throws {
        guard agents > 0, queues > 0, workStreams > 0, rules >= 0, distributors > 0, distributors <= queues else {
            throw ValidationError("--agents, --queues, --work-streams and --distributors must be positive, --rules not negative, and --distributors at most --queues")
        }
        guard duration > 0, warmup >= 0, drain >= 0, connections > 0, maxInFlight > 0, agentCapacity > 0, thinkTimeMs >= 0 else {
            throw ValidationError("--duration, --connections, --max-in-flight and --agent-capacity must be positive; --warmup, --drain and --think-time-ms not negative")
        }
        if let rate, rate <= 0 { throw ValidationError("--rate must be positive (omit it to drive as fast as possible)") }
        guard (1...100).contains(repeats) else { throw ValidationError("--repeat must be between 1 and 100") }
    }

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "switchboard-bench", format: .logfmt, level: .warning)
        let logger = Logger(label: "switchboard-bench")
        // The load and the agents stand for the world outside, which shares no core with the
        // system in a deployment: under the system's policy they do not preempt it either.
        ProcessScheduling.apply(cpuScheduling, logger: logger)
        // The bench's own agents and load share one thread, as each process of the system does
        // (decisions §22): the load generator takes less of the cores it shares with them.
        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context, name: "bench")
        let runner = BenchRunner(options: self, executor: loop, logger: logger)
        do {
            try await ProcessServiceGroup.run(
                services: [], finishing: [runner], executorPreference: loop, logger: logger, gracefulShutdownLimit: .seconds(30))
        } catch {
            await loop.shutdown()
            throw error
        }
        await loop.shutdown()
        switch runner.outcome {
        case .some(.success(let report)):
            StandardOutput.print(json ? report.json : report.text)
        case .some(.failure(let error)):
            StandardError.print("error: \(error)")
            throw ExitCode(error.code == .interrupted ? 130 : 1)
        case .none:
            StandardError.print("error: the bench stopped before it finished")
            throw ExitCode(130)
        }
    }
}
