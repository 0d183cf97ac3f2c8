import ArgumentParser
import Logging
import ProcessRuntime

/// `switchboard chaos`: the real system on loopback under sustained load while each process is
/// SIGKILLed in turn and restarted on its data directory, agents drop and come back and switch
/// presence; at the end it checks that nothing was lost, duplicated or double-assigned
/// (README, "Chaos"). Exits 1 on any violation.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Kill every process in turn under load, then check that no conversation or reply was lost or duplicated.",
        discussion: """
            Generates a configuration in a temporary folder, starts router, presence, the distributors, \
            ingress-custom and ingress-sms as child processes, connects simulated agents and sends signed webhooks at --rate for \
            --duration seconds while SIGKILLing each process in turn (restarted after a random pause). After a drain \
            it checks the stores and the agents' records; exits 1 when a property was violated.
            """)

    @Option(help: "Webhooks (new conversations) per second.")
    var rate: Double = 1_000

    @Option(help: "Seconds of load (kills happen during it).")
    var duration: Double = 60

    @Option(help: "Seed of every random choice (kill times, pauses, agents' behaviour); default: a new one, printed.")
    var seed: UInt64?

    @Option(help: "Simulated agents (each a member of every queue).")
    var agents = 100

    @Option(help: "Capacity units of each agent (a conversation takes 1): small, so capacity is reached.")
    var agentCapacity = 4

    @Option(help: "Distributor processes (at least 2 for a real fail-over picture).")
    var distributors = 2

    @Option(help: "Queues (spread over the distributors).")
    var queues = 4

    @Option(help: "Every n-th conversation arrives as a Twilio SMS at ingress-sms (0: no SMS channel, only ingress-custom).")
    var smsEvery = 4

    @Option(help: "Shortest seconds a killed process stays down.")
    var minPause: Double = 0.5

    @Option(help: "Longest seconds a killed process stays down.")
    var maxPause: Double = 3

    @Option(help: "Seconds between two kills (each process is killed at least once).")
    var killEvery: Double = 4

    @Option(help: "Shortest milliseconds an agent keeps a conversation Active.")
    var minHandleMs: Double = 100

    @Option(help: "Longest milliseconds an agent keeps a conversation Active.")
    var maxHandleMs: Double = 400

    @Option(help: "Share of conversations an agent replies in (M1).")
    var replyProbability = 0.3

    @Option(help: "Mean seconds between two disconnects of one agent (0: never).")
    var disconnectEvery: Double = 20

    @Option(help: "Mean seconds between two spells of one agent in a presence push must not offer in (0: never).")
    var awayEvery: Double = 15

    @Option(help: "After the load, wait for every conversation to reach an agent and every reply the provider, giving up after this many seconds without progress.")
    var drain: Double = 60

    @Flag(help: "Print the report as JSON (progress still goes to stderr).")
    var json = false

    @Flag(help: "Keep the temporary folder (configuration, data directories) after the run.")
    var keepData = false

    @Option(help: "Write every agent record (what each agent saw and did, with times) to this file, one JSON object a line.")
    var records: String?

    @Option(help: "Log level of the child processes (their logs go to stderr).")
    var logLevel: Logger.Level = .error

    func validate() throws {
        guard rate > 0, duration > 0, agents > 0, agentCapacity > 0, distributors > 0, queues >= distributors else {
            throw ValidationError("--rate, --duration, --agents, --agent-capacity and --distributors must be positive, and --queues at least --distributors")
        }
        guard minPause >= 0, maxPause >= minPause, killEvery > 0, minHandleMs >= 0, maxHandleMs >= minHandleMs, drain >= 0 else {
            throw ValidationError("pauses and handle times must be ranges (min ≤ max, not negative); --kill-every positive; --drain not negative")
        }
        guard (0...1).contains(replyProbability), disconnectEvery >= 0, awayEvery >= 0, smsEvery >= 0 else {
            throw ValidationError("--reply-probability must be in 0...1; --disconnect-every, --away-every and --sms-every not negative")
        }
    }

    func run() async throws {
        StructuredLogHandler.bootstrap(process: "switchboard-chaos", format: .logfmt, level: .warning)
        let logger = Logger(label: "switchboard-chaos")
        let runner = ChaosRunner(options: self, seed: seed ?? UInt64.random(in: 1...UInt64(UInt32.max)), logger: logger)
        try await ProcessServiceGroup.run(services: [], finishing: [runner], logger: logger, gracefulShutdownLimit: .seconds(60))
        switch runner.outcome {
        case .some(.success(let report)):
            StandardOutput.print(json ? report.json : report.text)
            if report.findings.violations > 0 || !report.drained { throw ExitCode(1) }
        case .some(.failure(let error)):
            StandardError.print("error: \(error)")
            throw ExitCode(error.code == .interrupted ? 130 : 2)
        case .none:
            StandardError.print("error: chaos stopped before it finished")
            throw ExitCode(130)
        }
    }
}
