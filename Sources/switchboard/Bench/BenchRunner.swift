import Foundation
import Logging
import ProcessRuntime
import ServiceLifecycle
import Synchronization
import SwitchboardCore
import Wire

/// One `switchboard bench`: set up, run each entry point, measure the baseline, clean up.
/// A service of the command's group, so Ctrl-C or SIGTERM stops the load and every child.
final class BenchRunner: Service, Sendable {
    private let options: BenchCommand
    /// Where the bench's own tasks run (its agents, its load).
    private let executor: any TaskExecutor
    private let logger: Logger
    private let interrupted = Atomic<Bool>(false)
    private let result = Mutex<Result<BenchReport, BenchError>?>(nil)

    init(options: BenchCommand, executor: any TaskExecutor, logger: Logger) {
        self.options = options
        self.executor = executor
        self.logger = logger
    }

    /// nil until the run ended (or when it was stopped before it could end).
    var outcome: Result<BenchReport, BenchError>? { result.withLock { $0 } }

    func run() async throws {
        let outcome: Result<BenchReport, BenchError>
        do {
            outcome = .success(try await withGracefulShutdownHandler {
                try await self.bench()
            } onGracefulShutdown: {
                self.interrupted.store(true, ordering: .relaxed)
            })
        } catch let error as BenchError {
            outcome = .failure(isStopped ? BenchError(.interrupted, "interrupted") : error)
        } catch {
            outcome = .failure(BenchError(.loadFailed, "bench failed", cause: error))
        }
        result.withLock { $0 = outcome }
    }

    private var isStopped: Bool { interrupted.load(ordering: .relaxed) }
    private var stopped: @Sendable () -> Bool { { [self] in isStopped } }

    private func say(_ line: String) { StandardError.print("bench: \(line)") }

    private var settings: BenchReport.Settings {
        BenchReport.Settings(
            agents: options.agents, agentCapacity: options.agentCapacity, queues: options.queues, workStreams: options.workStreams,
            rules: options.rules, distributors: options.distributors, rate: options.rate, warmupSeconds: options.warmup,
            durationSeconds: options.duration, maxInFlight: options.maxInFlight, connections: options.connections,
            thinkTimeMs: options.thinkTimeMs, handleTimeMs: options.handleTimeMs < 0 ? nil : options.handleTimeMs,
            cores: ProcessInfo.processInfo.activeProcessorCount, repeats: options.repeats, cpuScheduling: options.cpuScheduling.rawValue)
    }

    private func bench() async throws(BenchError) -> BenchReport {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-bench-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw BenchError(.setupFailed, "cannot create \(folder.path)", cause: error)
        }
        defer {
            if options.keepData {
                say("kept \(folder.path)")
            } else {
                try? FileManager.default.removeItem(at: folder)
            }
        }
        var report = BenchReport(settings: settings, runs: [], baseline: nil, warnings: [])
        let topology = try BenchTopology(shape: .init(
            agents: options.agents, agentCapacity: options.agentCapacity, queues: options.queues, workStreams: options.workStreams,
            rules: options.rules, distributors: options.distributors, cpuScheduling: options.cpuScheduling))
        var warnings: [String] = []
        report.runs = try await measureSystem(topology, folder: folder, warnings: &warnings)
        report.warnings = warnings

        if options.baseline {
            do {
                let baselines = try await measureBaselines(topology, folder: folder)
                // The run of median messages/s stands for the baseline (the upper one of an even count).
                let figures = baselines.sorted { $0.messagesPerSecond < $1.messagesPerSecond }[baselines.count / 2]
                report.baseline = figures
                if baselines.count > 1 { report.baselineRuns = baselines }
                for index in report.runs.indices where figures.messagesPerSecond > 0 {
                    report.runs[index].ratioToBaseline = report.runs[index].conversationsPerSecond / figures.messagesPerSecond
                }
                if options.rate != nil {
                    report.warnings.append("with --rate the runs are paced: the ratio to the (unpaced) baseline is not a throughput comparison")
                }
            } catch where error.code != .interrupted {
                report.warnings.append("no baseline: \(error)")
            }
        }
        report.summaries = BenchSummary.of(report.runs, paced: options.rate != nil)
        return report
    }

    /// The baseline pipeline, `--repeat` times, each on a fresh data directory.
    private func measureBaselines(_ topology: BenchTopology, folder: URL) async throws(BenchError) -> [BenchReport.Baseline] {
        var baselines: [BenchReport.Baseline] = []
        for repetition in 1...options.repeats {
            if isStopped { throw BenchError(.interrupted, "interrupted") }
            say("measuring the baseline pipeline" + (options.repeats > 1 ? " (\(repetition) of \(options.repeats))" : ""))
            let baseline = BaselinePipeline(
                dataDirectory: folder.appendingPathComponent("baseline-\(repetition)").path, payloadBytes: Self.submitSize(topology),
                cpuScheduling: options.cpuScheduling, logger: logger, say: { [self] in say($0) }, stopped: stopped)
            baselines.append(try await baseline.run(
                warmup: Self.duration(options.warmup), duration: Self.duration(options.duration), maxInFlight: options.maxInFlight))
        }
        return baselines
    }

    // MARK: the Switchboard system

    private func measureSystem(_ topology: BenchTopology, folder: URL, warnings: inout [String]) async throws(BenchError) -> [BenchReport.Run] {
        let system = try topology.launch(in: folder, logLevel: options.logLevel, logger: logger, say: { [self] in say($0) }).children
        let tracker = ConversationTracker()
        let agents = BenchAgents(
            ids: topology.agentIDs, secret: topology.agentSecret, presenceHTTP: topology.addresses.presenceHTTP,
            behaviour: .init(
                thinkTime: .milliseconds(options.thinkTimeMs),
                handleTime: options.handleTimeMs < 0 ? nil : .milliseconds(options.handleTimeMs)),
            tracker: tracker, executor: executor)
        let runs: Result<[BenchReport.Run], BenchError>
        do {
            runs = .success(try await measureRuns(topology, system: system, agents: agents, tracker: tracker))
        } catch {
            runs = .failure(error)
        }
        await agents.stop()
        say("stopping the system")
        await system.stop()
        if system.unexpectedExits > 0 {
            warnings.append("\(system.unexpectedExits) child process exits during the run (restarted by the supervisor): figures are suspect")
        }
        return try runs.get()
    }

    private func measureRuns(
        _ topology: BenchTopology, system: ChildPhase, agents: BenchAgents, tracker: ConversationTracker
    ) async throws(BenchError) -> [BenchReport.Run] {
        try await ChildPhase.waitUntilHealthy(topology.healthChecks, within: .seconds(60), stopped: stopped)
        say("every process is healthy; connecting \(agents.count) agents")
        agents.start(logger: logger)
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while agents.welcomedCount < agents.count {
            if isStopped { throw BenchError(.interrupted, "interrupted") }
            guard ContinuousClock.now < deadline else {
                throw BenchError(.notReady, "only \(agents.welcomedCount) of \(agents.count) agents were welcomed by presence within 30 s")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        try? await Task.sleep(for: .seconds(1))  // the distributors see the agents' presence

        let entries: [BenchCommand.Entry] = options.entry == .both ? [.webhook, .submit] : [options.entry]
        var runs: [BenchReport.Run] = []
        for entry in entries {
            for repetition in 1...options.repeats {
                if isStopped { throw BenchError(.interrupted, "interrupted") }
                let which = options.repeats > 1 ? " (run \(repetition) of \(options.repeats))" : ""
                say("\(entry.rawValue)\(which): \(Self.number(options.warmup)) s warm-up, then \(Self.number(options.duration)) s measured")
                var run = try await measure(entry, topology: topology, system: system, tracker: tracker)
                if options.repeats > 1 { run.repetition = repetition }
                runs.append(run)
            }
        }
        return runs
    }

    private func measure(
        _ entry: BenchCommand.Entry, topology: BenchTopology, system: ChildPhase, tracker: ConversationTracker
    ) async throws(BenchError) -> BenchReport.Run {
        tracker.resetCounts()
        let start = BenchClock.now()
        let window = (start + BenchClock.nanoseconds(Self.duration(options.warmup)))..<(start + BenchClock.nanoseconds(Self.duration(options.warmup + options.duration)))
        let room = RoomSignal()
        tracker.signalLandings(to: room)
        let pacer = LoadPacer(
            rate: options.rate, maxInFlight: options.maxInFlight, start: start, end: window.upperBound,
            inFlight: { tracker.inFlight }, takeNumber: { tracker.takeNumber() }, stopped: stopped, room: room)
        let (logger, connections) = (self.logger, options.connections)
        let load = Task(executorPreference: executor) {
            switch entry {
            case .webhook, .both:
                await WebhookDriver(topology: topology, tracker: tracker, connections: connections).run(pacer: pacer)
            case .submit:
                try await SubmitDriver(topology: topology, tracker: tracker, logger: logger).run(pacer: pacer)
            }
        }
        let pids = await system.pids
        await BenchClock.sleep(until: window.lowerBound, unless: stopped)
        let before = UsageSample(pids, benchName: "bench")
        let workBefore = await WorkSample.read(topology.healthChecks)
        await BenchClock.sleep(until: window.upperBound, unless: stopped)
        room.close()  // senders waiting for room see that the load is over
        let after = UsageSample(pids, benchName: "bench")
        let workAfter = await WorkSample.read(topology.healthChecks)
        if case .failure(let error) = await load.result {
            throw error as? BenchError ?? BenchError(.loadFailed, "the \(entry.rawValue) load failed", cause: error)
        }
        let drainEnd = BenchClock.now() + BenchClock.nanoseconds(Self.duration(options.drain))
        while tracker.inFlight > 0, BenchClock.now() < drainEnd, !isStopped {
            try? await Task.sleep(for: .milliseconds(50))
        }
        if isStopped { throw BenchError(.interrupted, "interrupted") }
        let summary = tracker.summary(window: window)
        let seconds = Double(window.upperBound - window.lowerBound) / 1e9
        var run = BenchReport.Run(
            entry: entry.rawValue, durationSeconds: seconds, sent: summary.sent, reachedActive: summary.reachedActive,
            conversationsPerSecond: Double(summary.reachedActive) / seconds, sendToOffer: summary.offerLatency,
            sendToActive: summary.activeLatency, lateSends: pacer.lateSends, stillInFlight: max(tracker.inFlight, 0), sendFailures: summary.sendFailures,
            refusedAccepts: summary.refusedAccepts, actionOutcomes: summary.actionOutcomes, agentErrors: summary.agentErrors,
            processes: after.figures(since: before, through: summary.reachedActive, benchName: "bench"), ratioToBaseline: nil)
        let work = workAfter.figures(since: workBefore, through: summary.reachedActive)
        for index in run.processes.indices { run.processes[index].work = work[run.processes[index].name] }
        run.sumSystemCPU(cores: ProcessInfo.processInfo.activeProcessorCount, benchName: "bench")
        return run
    }

    // MARK: helpers

    /// The bytes of a bench conversation's Submit on the wire: the baseline's frame size.
    static func submitSize(_ topology: BenchTopology) -> Int {
        let number = 1_000_000
        let route = topology.route(number)
        let message = InboundMessage(
            channelInstanceID: route.channel, channelType: "custom", providerMessageID: "bench-m-\(number)",
            customerAddress: "bench-customer-\(number)", text: ConversationTracker.text(number),
            context: ["tier": .text(route.tier), "amount": .number(Double(route.amount))], receivedAtMs: 1_700_000_000_000)
        let frames = (try? WireCodec.encode(Envelope(id: MessageIDGenerator.shared.next(), message: .submit(Submit(message: message))))) ?? []
        return max(frames.reduce(0) { $0 + $1.count }, 64)
    }

    static func duration(_ seconds: Double) -> Duration { .nanoseconds(Int64(seconds * 1e9)) }

    static func number(_ value: Double) -> String { BenchReport.number(value) }
}
