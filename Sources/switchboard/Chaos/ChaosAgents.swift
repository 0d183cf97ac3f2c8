import Fuzzing
import Logging
import Synchronization

/// The chaos run's simulated agents (`ChaosAgent`), started and stopped together. They behave
/// well until `startMisbehaving()` (so all of them log in first), then drop their connections
/// and go away now and then.
final class ChaosAgents: Sendable {
    private let agents: [ChaosAgent]
    private let running = Mutex<[Task<Void, Never>]>([])
    private let misbehaving = Atomic<Bool>(false)

    init(topology: BenchTopology, options: ChaosCommand, seed: UInt64, ledger: ChaosLedger) {
        let behaviour = ChaosAgent.Behaviour(
            thinkTime: 0...0.02, handleTime: (options.minHandleMs / 1_000)...(options.maxHandleMs / 1_000),
            replyProbability: options.replyProbability, disconnectEvery: options.disconnectEvery, disconnectPause: 0.2...2,
            awayEvery: options.awayEvery, awayFor: 0.5...2, awayPresence: "away", messageWait: .seconds(15),
            offerTimeout: .seconds(ChaosRunner.offerTimeoutSeconds))
        let root = SplitMix64(seed: seed)
        agents = topology.agentIDs.enumerated().map { index, id in
            ChaosAgent(
                id: id, secret: topology.agentSecret, presenceHTTP: topology.addresses.presenceHTTP, behaviour: behaviour, ledger: ledger,
                random: root.derived(UInt64(index) + 100))
        }
    }

    var count: Int { agents.count }
    /// Agents welcomed at least once.
    var welcomedCount: Int { agents.filter { $0.welcomeCount > 0 }.count }
    /// Every welcome (first logins and reconnects).
    var welcomes: Int { agents.reduce(0) { $0 + $1.welcomeCount } }

    func start(logger: Logger) {
        let tasks = agents.map { agent in Task { await agent.run(logger: logger) } }
        running.withLock { $0 = tasks }
    }

    /// From now on each agent also disconnects and goes away now and then (their sessions go on).
    func startMisbehaving() {
        guard !misbehaving.exchange(true, ordering: .relaxed) else { return }
        let tasks = agents.map { agent in Task { await agent.misbehave() } }
        running.withLock { $0 += tasks }
    }

    func stop() async {
        let tasks = running.withLock { $0.take() }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}

extension Array {
    fileprivate mutating func take() -> Array {
        defer { self = [] }
        return self
    }
}
