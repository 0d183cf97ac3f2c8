import Foundation
import Logging
import ProcessRuntime
import ServiceLifecycle
import Synchronization

/// One `switchboard chaos`: start the system and the fake provider, connect the agents, drive
/// the load while killing processes on the plan, drain, stop everything, check, report. A
/// service of the command's group, so Ctrl-C or SIGTERM stops the load and every child.
final class ChaosRunner: Service, Sendable {
    private let options: ChaosCommand
    private let seed: UInt64
    private let logger: Logger
    private let interrupted = Atomic<Bool>(false)
    private let result = Mutex<Result<ChaosReport, ChaosError>?>(nil)
    /// Process name → times it was started (from the supervisor's lines).
    private let starts = Mutex<[String: Int]>([:])

    init(options: ChaosCommand, seed: UInt64, logger: Logger) {
        self.options = options
        self.seed = seed
        self.logger = logger
    }

    var outcome: Result<ChaosReport, ChaosError>? { result.withLock { $0 } }

    func run() async throws {
        let outcome: Result<ChaosReport, ChaosError>
        do {
            outcome = .success(try await withGracefulShutdownHandler {
                try await self.chaos()
            } onGracefulShutdown: {
                self.interrupted.store(true, ordering: .relaxed)
            })
        } catch let error as ChaosError {
            outcome = .failure(isStopped ? ChaosError(.interrupted, "interrupted") : error)
        } catch {
            outcome = .failure(ChaosError(.setupFailed, "chaos failed", cause: error))
        }
        result.withLock { $0 = outcome }
    }

    private var isStopped: Bool { interrupted.load(ordering: .relaxed) }
    private var stopped: @Sendable () -> Bool { { [self] in isStopped } }

    private func say(_ line: String) {
        if let match = line.firstMatch(of: /^([a-z0-9-]+) started \(pid/) {
            starts.withLock { $0[String(match.output.1), default: 0] += 1 }
        }
        StandardError.print("chaos: \(line)")
    }

    private func chaos() async throws(ChaosError) -> ChaosReport {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-chaos-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ChaosError(.setupFailed, "cannot create \(folder.path)", cause: error)
        }
        defer {
            if options.keepData { say("kept \(folder.path)") } else { try? FileManager.default.removeItem(at: folder) }
        }
        let providerPort: Int
        let topology: BenchTopology
        do {
            providerPort = try LoopbackPorts.forBench(1)[0]
            topology = try BenchTopology(shape: .init(
                agents: options.agents, agentCapacity: options.agentCapacity, queues: options.queues, workStreams: 1, rules: 3,
                distributors: options.distributors, callbackURL: "http://127.0.0.1:\(providerPort)\(FakeProvider.path)", offerTimeout: "\(Self.offerTimeoutSeconds)s",
                sms: options.smsEvery > 0 ? .init(every: options.smsEvery, apiBaseURL: "http://127.0.0.1:\(providerPort)\(FakeProvider.twilioPath)") : nil))
        } catch {
            throw ChaosError(error)
        }
        let provider = FakeProvider(
            port: providerPort, sharedSecret: topology.channelSecret, twilioAccountSid: BenchTopology.smsAccountSid, twilioAuthToken: topology.smsAuthToken)
        provider.start()
        let system: LaunchedSystem
        do {
            system = try topology.launch(in: folder, logLevel: options.logLevel, logger: logger, say: { [self] in say($0) })
        } catch {
            await provider.stop()
            throw ChaosError(error)
        }
        let ledger = ChaosLedger()
        let agents = ChaosAgents(topology: topology, options: options, seed: seed, ledger: ledger)
        let run: Result<RunFacts, ChaosError>
        do {
            run = .success(try await drive(topology, system: system.children, agents: agents, ledger: ledger, provider: provider))
        } catch {
            run = .failure(error)
        }
        let end = BenchClock.now()
        await agents.stop()
        say("stopping the system")
        await system.children.stop()
        await provider.stop()
        let facts = try run.get()

        if let path = options.records { Self.write(ledger.records, to: path) }
        let stores = try ChaosStores.read(
            dataDirectory: system.dataDirectory, distributors: topology.distributorNames,
            adapters: Self.adapterNames(topology))
        let evidence = ChaosEvidence(
            drained: facts.drained, agentCapacity: options.agentCapacity, allowedPresences: ["available", "busy"], presenceGraceMs: 1_000, end: end,
            agentRecords: ledger.records, acceptedWebhooks: ledger.acceptedWebhooks, failedWebhooks: ledger.failedWebhooks, stores: stores,
            queueOwners: topology.queueOwners, replies: ledger.replies, posts: provider.received)
        return report(facts: facts, evidence: evidence, ledger: ledger, system: system.children, agents: agents, topology: topology)
    }

    /// `--records`: one JSON object a line, for a look at what led to a violation.
    private static func write(_ records: [ChaosEvidence.AgentRecord], to path: String) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let lines = records.compactMap { (try? encoder.encode($0)).map { String(decoding: $0, as: UTF8.self) } }
        do {
            try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            StandardError.print("chaos: cannot write \(path): \(error)")
        }
    }

    /// Short, so offers that died with a presence restart are made again within the run.
    static let offerTimeoutSeconds = 5

    /// What the drive itself knows, for the report.
    private struct RunFacts {
        var kills: [String: Int]
        var drainSeconds: Double
        var drained: Bool
        var warnings: [String]
    }

    private func drive(
        _ topology: BenchTopology, system: ChildPhase, agents: ChaosAgents, ledger: ChaosLedger, provider: FakeProvider
    ) async throws(ChaosError) -> RunFacts {
        do {
            try await ChildPhase.waitUntilHealthy(topology.healthChecks, within: .seconds(60), stopped: stopped)
        } catch {
            throw ChaosError(error)
        }
        say("every process is healthy; connecting \(agents.count) agents (seed \(seed))")
        agents.start(logger: logger)
        let deadline = ContinuousClock.now + .seconds(30)
        while agents.welcomedCount < agents.count {
            if isStopped { throw ChaosError(.interrupted, "interrupted") }
            guard ContinuousClock.now < deadline else {
                throw ChaosError(.setupFailed, "only \(agents.welcomedCount) of \(agents.count) agents were welcomed by presence within 30 s")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        try? await Task.sleep(for: .seconds(1))  // the distributors see the agents' presence
        agents.startMisbehaving()

        let processes = Self.processNames(topology)
        let plan = KillPlan(
            processes: processes, duration: options.duration, every: options.killEvery, pauses: options.minPause...options.maxPause, seed: seed)
        say("load: \(BenchReport.number(options.rate)) webhooks/s for \(BenchReport.number(options.duration)) s; \(plan.kills.count) kills")
        let start = BenchClock.now()
        let pacer = LoadPacer(
            rate: options.rate, maxInFlight: Int.max, start: start, end: start + BenchClock.nanoseconds(.seconds(options.duration)),
            inFlight: { 0 }, takeNumber: { ledger.takeNumber() }, stopped: stopped,
            room: RoomSignal())  // chaos has no in-flight bound: never waited on
        let load = Task {
            await WebhookDriver(topology: topology, tracker: ledger, connections: 64, attempts: 3, retryPause: .seconds(1)).run(pacer: pacer)
        }
        let killer = FaultInjector(plan: plan, system: system, health: Dictionary(uniqueKeysWithValues: topology.healthChecks.map { ($0.name, $0.address) }), say: { [self] in say($0) })
        let kills = await killer.run(start: start, stopped: stopped)
        await load.value
        if isStopped { throw ChaosError(.interrupted, "interrupted") }
        var warnings = killer.warnings
        do {
            try await ChildPhase.waitUntilHealthy(topology.healthChecks, within: .seconds(60), stopped: stopped)
        } catch {
            warnings.append("not every process was healthy after the load: \(error)")
        }

        say("load done (\(ledger.sent) sent); draining while it makes progress (giving up after \(BenchReport.number(options.drain)) s without any)")
        let drainStart = BenchClock.now()
        let stall = BenchClock.nanoseconds(.seconds(options.drain))
        var watch = DrainWatch(
            start: drainStart, stall: stall, ceiling: drainStart + max(stall, BenchClock.nanoseconds(.seconds(5 * options.duration))))
        var drained = false
        while !isStopped {
            let repliesLeft = ledger.acceptedReplyTokens.subtracting(provider.receivedTokens).count
            let verdict = watch.observe(left: ledger.acceptedNotSeen + ledger.unfinishedConversations + repliesLeft, now: BenchClock.now())
            if verdict == .drained { drained = true }
            if verdict != .waiting { break }
            try? await Task.sleep(for: .milliseconds(100))
        }
        if isStopped { throw ChaosError(.interrupted, "interrupted") }
        if !drained {
            warnings.append("after the drain: \(ledger.acceptedNotSeen) webhooks not yet at an agent, \(ledger.unfinishedConversations) conversations not yet wrapped up")
        }
        return RunFacts(kills: kills, drainSeconds: Double(BenchClock.now() - drainStart) / 1e9, drained: drained, warnings: warnings)
    }

    /// Every process, in the order they are killed: the adapters, the router, each distributor, presence.
    static func processNames(_ topology: BenchTopology) -> [String] {
        adapterNames(topology) + ["router"] + topology.distributorNames + ["presence"]
    }

    /// The adapters the run starts (their outboxes hold webhooks not yet at the router).
    static func adapterNames(_ topology: BenchTopology) -> [String] {
        ["ingress-custom"] + (topology.addresses.smsHTTP == nil ? [] : ["ingress-sms"])
    }

    private func report(
        facts: RunFacts, evidence: ChaosEvidence, ledger: ChaosLedger, system: ChildPhase, agents: ChaosAgents, topology: BenchTopology
    ) -> ChaosReport {
        let findings = ChaosChecks.run(evidence)
        let starts = starts.withLock { $0 }
        let names = Self.processNames(topology)
        let records = evidence.agentRecords
        var active = Set<String>()
        var disconnects = 0
        var presenceChanges = 0
        for record in records {
            switch record.event {
            case .active(let conversation): active.insert(conversation)
            case .disconnected: disconnects += 1
            case .presenceRequested: presenceChanges += 1
            default: break
            }
        }
        let kills = facts.kills.values.reduce(0, +)
        return ChaosReport(
            settings: .init(
                seed: seed, rate: options.rate, durationSeconds: options.duration, agents: options.agents, agentCapacity: options.agentCapacity,
                distributors: options.distributors, queues: options.queues, pauseSeconds: options.minPause...options.maxPause,
                killEverySeconds: options.killEvery, cores: ProcessInfo.processInfo.activeProcessorCount),
            sent: ledger.sent, webhooks2xx: evidence.acceptedWebhooks.count,
            webhooksFailed: evidence.failedWebhooks.subtracting(evidence.acceptedWebhooks).count, failureReasons: ledger.failureReasons,
            conversationsActive: active.count,
            processes: names.map { ChaosReport.ProcessFaults(name: $0, kills: facts.kills[$0] ?? 0, restarts: max((starts[$0] ?? 0) - 1, 0)) },
            unexpectedExits: max(system.unexpectedExits - kills, 0), agentDisconnects: disconnects,
            agentReconnects: max(agents.welcomes - agents.count, 0), presenceChanges: presenceChanges, actionOutcomes: ledger.actionOutcomes,
            agentErrors: ledger.agentErrors, drainSeconds: facts.drainSeconds, drained: facts.drained, findings: findings, warnings: facts.warnings)
    }
}
