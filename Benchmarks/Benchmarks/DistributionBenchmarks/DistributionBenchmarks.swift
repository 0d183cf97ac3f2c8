// Push assignment (issue 7's target: one decision among 10,000 agents and 100,000 waiting
// conversations in < 50 µs p99; < 2 KB per waiting conversation).
//
// One queue, 10,000 member agents, all full; 100,000 Open conversations waiting (UUID ids,
// as the router makes them). A decision: presence reports that one agent (chosen at random)
// freed a unit → the core finds the oldest waiting conversation and the agent its
// assignment method picks, and asks presence to reserve. Only `handle(.agentUpdated)` is
// measured; presence then denies the reservation and the agent is full again (not
// measured), so every sample starts from the same state.
//
// Run from Benchmarks/:  swift package --disable-sandbox benchmark --target DistributionBenchmarks
// Each sample is one decision (`scalingFactor: .one`): the wall-clock percentiles are per
// decision. "bytes per waiting conversation" is the resident memory (Linux /proc/self/statm)
// that adding the 100,000 conversations takes in a core that already knows the agents.

import Benchmark
import Foundation
import SwitchboardCore

#if canImport(Glibc)
import Glibc
#endif

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        warmupIterations: 100,
        scalingFactor: .one,
        maxDuration: .seconds(5),
        maxIterations: 20_000
    )

    for method in AssignmentMethod.allCases {
        let box = FixtureBox()
        Benchmark(
            "agent frees a unit → offer (\(method), 10,000 agents, 100,000 waiting)",
            closure: { benchmark in box.fixture?.decide(benchmark) },
            setup: { box.fixture = AssignmentFixture(method: method) },
            teardown: { box.fixture = nil }
        )
    }

    Benchmark(
        "memory: 100,000 waiting conversations",
        configuration: .init(
            metrics: [.custom("bytes per waiting conversation", useScalingFactor: false)],
            warmupIterations: 0, scalingFactor: .one, maxDuration: .seconds(60), maxIterations: 3)
    ) { benchmark in
        benchmark.measurement(.custom("bytes per waiting conversation", useScalingFactor: false), AssignmentFixture.bytesPerWaitingConversation())
    }
}

/// Holds the fixture between the setup hook and the samples (benchmarks run one at a time).
final class FixtureBox: @unchecked Sendable {
    var fixture: AssignmentFixture?
}

final class AssignmentFixture {
    static let agentCount = 10_000
    static let waitingCount = 100_000

    let agentIDs: [String]
    var core: DistributionCore
    var sequence: UInt64 = 1
    var random = UInt64(0x5EED)
    let nowMs: Int64 = 1_800_000_000_000

    init(method: AssignmentMethod) {
        agentIDs = (0..<Self.agentCount).map { "agent-\($0)" }
        core = Self.makeCore(method: method, agentIDs: agentIDs)
        _ = core.handle(.agentsSnapshot(agentIDs.enumerated().map { Self.full($1, index: $0, sequence: 1) }), nowMs: nowMs)
        Self.addWaiting(to: &core, nowMs: nowMs)
        precondition(core.openCount(inQueue: "q") == Self.waitingCount)
    }

    /// One measured decision, then back to the starting state.
    func decide(_ benchmark: Benchmark) {
        random = random &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let index = Int((random >> 33) % UInt64(Self.agentCount))
        let agentID = agentIDs[index]
        sequence += 1
        let freed = AgentStatus(
            agentID: agentID, basePresence: .available, capacityTotal: 1, capacityUsed: 0,
            lastAssignmentAtMs: Int64(index), sequence: sequence)

        benchmark.startMeasurement()
        let step = core.handle(.agentUpdated(freed), nowMs: nowMs)
        benchmark.stopMeasurement()

        guard case .reserve(let request)? = step.actions.first, step.actions.count == 1 else {
            fatalError("expected one Reserve, got \(step.actions)")
        }
        blackHole(step)
        _ = core.handle(.reservationDenied(reservationID: request.reservation.id), nowMs: nowMs)
        sequence += 1
        _ = core.handle(.agentUpdated(Self.full(agentID, index: index, sequence: sequence)), nowMs: nowMs)
    }

    static func makeCore(method: AssignmentMethod, agentIDs: [String]) -> DistributionCore {
        let queue = QueueDefinition(name: "q", priority: 0, agents: agentIDs, assignment: method)
        let stream = WorkStream(
            name: "chat", channelType: .chat, channels: ["web"], capacity: 1, persistentChat: false,
            autoCloseAfterInactivity: nil, distribution: .push, allowedPresences: [.available, .busy],
            selectFromPush: false, agentAffinity: false, wrapUpCapacity: .always, contextVariables: [],
            routingRules: [], fallbackQueue: "q")
        return DistributionCore(queues: [queue], workStreams: [stream])
    }

    /// An agent with no free unit (presence shows busyDnd).
    static func full(_ agentID: String, index: Int, sequence: UInt64) -> AgentStatus {
        AgentStatus(
            agentID: agentID, basePresence: .busyDnd, capacityTotal: 1, capacityUsed: 1,
            lastAssignmentAtMs: Int64(index), sequence: sequence)
    }

    static func addWaiting(to core: inout DistributionCore, nowMs: Int64) {
        for index in 0..<waitingCount {
            let id = UUID().uuidString.lowercased()
            _ = core.handle(
                .conversationArrived(conversationID: id, queue: "q", workStream: "chat", sequence: 1),
                nowMs: nowMs + Int64(index))
        }
    }

    /// Resident bytes the 100,000 waiting conversations add to a core that knows the agents.
    static func bytesPerWaitingConversation() -> Int {
        #if os(Linux)
        let agentIDs = (0..<agentCount).map { "agent-\($0)" }
        var core = makeCore(method: .roundRobin, agentIDs: agentIDs)
        _ = core.handle(.agentsSnapshot(agentIDs.enumerated().map { full($1, index: $0, sequence: 1) }), nowMs: 0)
        let before = residentBytes()
        addWaiting(to: &core, nowMs: 0)
        let after = residentBytes()
        blackHole(core)
        return (after - before) / waitingCount
        #else
        return 0
        #endif
    }

    /// The process's resident set (Linux: /proc/self/statm, in pages).
    static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = statm.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
