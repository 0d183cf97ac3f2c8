import Foundation
import Testing

@testable import ProcessRuntime

/// What `switchboard status` makes of the processes' answers: the merge and the table.
@Suite struct SystemStatusTests {
    typealias S = OperatorStatus

    static let router = S.Router(
        process: "router",
        workStreams: [S.WorkStream(name: "retail-app", channelType: "custom", distribution: "push", channels: ["mobile-app", "kiosk"])],
        queues: [
            S.RouterQueue(name: "billing", priority: 1, owner: "distributor-1", ownerAlive: true, pendingDeliveries: 0),
            S.RouterQueue(name: "support", priority: 2, owner: nil, ownerAlive: false, pendingDeliveries: 3),
        ])
    static let distributor1 = S.Distributor(
        process: "distributor-1", registered: true,
        queues: [S.DistributorQueue(name: "billing", waiting: 2, oldestWaitMs: 125_000, active: 1)])
    static let distributor2 = S.Distributor(
        process: "distributor-2", registered: false,
        queues: [S.DistributorQueue(name: "support", waiting: 0, oldestWaitMs: nil, active: 4)])
    static let presence = S.Presence(process: "presence", agents: [
        S.Agent(id: "ada", name: "Ada Lovelace", presence: "available", basePresence: "available", connected: true, capacityUsed: 1, capacityTotal: 2),
        S.Agent(id: "grace", name: "Grace Hopper", presence: "On lunch", basePresence: "away", connected: false, capacityUsed: 0, capacityTotal: 2),
    ])
    static let configured: [(name: String, priority: Int)] = [("billing", 1), ("support", 2)]

    static func reply<D>(_ process: String, _ port: Int, _ outcome: S.Outcome<D>) -> S.Reply<D> {
        S.Reply(process: process, address: "127.0.0.1:\(port)", outcome: outcome)
    }

    @Test func queuesJoinTheRouterOwnerWithThatDistributorsWaitingCounts() {
        let system = S.System.merging(
            router: Self.reply("router", 1, .answered(Self.router)),
            distributors: [Self.reply("distributor-1", 2, .answered(Self.distributor1)), Self.reply("distributor-2", 3, .answered(Self.distributor2))],
            presence: Self.reply("presence", 4, .answered(Self.presence)), configuredQueues: Self.configured)
        #expect(system.allAnswered)
        #expect(system.queues == [
            S.Queue(name: "billing", priority: 1, owner: "distributor-1", ownerAlive: true, waiting: 2, oldestWaitMs: 125_000, active: 1, pendingDeliveries: 0),
            // No owner: the distributor that still reports the queue.
            S.Queue(name: "support", priority: 2, owner: nil, ownerAlive: false, waiting: 0, oldestWaitMs: nil, active: 4, pendingDeliveries: 3),
        ])
        #expect(system.table == """
            PROCESSES
              PROCESS        ADDRESS      STATE
              router         127.0.0.1:1  ok
              distributor-1  127.0.0.1:2  ok
              distributor-2  127.0.0.1:3  ok
              presence       127.0.0.1:4  ok

            WORK STREAMS
              NAME        CHANNEL TYPE  DISTRIBUTION  CHANNELS
              retail-app  custom        push          mobile-app,kiosk

            QUEUES
              NAME     PRIORITY  OWNER          WAITING  OLDEST WAIT  ACTIVE  PENDING
              billing  1         distributor-1  2        2m05s        1       0
              support  2         none           0        -            4       3

            AGENTS
              AGENT  NAME          PRESENCE         LOAD  CONNECTED
              ada    Ada Lovelace  available        1/2   yes
              grace  Grace Hopper  On lunch (away)  0/2   no
            """)
    }

    @Test func whatAnUnreachableProcessWouldTellIsUnknownNotZero() {
        let system = S.System.merging(
            router: Self.reply("router", 1, .unreachable("connection refused")),
            distributors: [
                Self.reply("distributor-1", 2, .refused(status: 401, reason: "wrong operator secret")),
                Self.reply("distributor-2", 3, .answered(Self.distributor2)),
            ],
            presence: Self.reply("presence", 4, .unreachable("timed out")), configuredQueues: Self.configured)
        #expect(!system.allAnswered)
        #expect(system.processes.map(\.state) == [.unreachable, .refused, .ok, .unreachable])
        #expect(system.workStreams == nil && system.agents == nil)
        // Without the router, the owner is unknown; support is still reported by distributor-2.
        #expect(system.queues.map(\.waiting) == [nil, 0])
        #expect(system.queues.map(\.pendingDeliveries) == [nil, nil])
        let table = system.table
        #expect(table.contains("router         127.0.0.1:1  unreachable: connection refused"))
        #expect(table.contains("distributor-1  127.0.0.1:2  refused: HTTP 401: wrong operator secret"))
        #expect(table.contains("billing  1         ?      ?        ?            ?       ?"))
        #expect(table.contains("? (router unreachable)") && table.contains("? (presence unreachable)"))
    }

    @Test func anOwnerThatStoppedAnsweringLeavesItsQueuesUnknown() {
        let system = S.System.merging(
            router: Self.reply("router", 1, .answered(Self.router)),
            distributors: [Self.reply("distributor-1", 2, .unreachable("timed out")), Self.reply("distributor-2", 3, .answered(Self.distributor2))],
            presence: Self.reply("presence", 4, .answered(Self.presence)), configuredQueues: Self.configured)
        #expect(system.queues[0].owner == "distributor-1" && system.queues[0].waiting == nil)
    }

    @Test func agesAreShortAndExact() {
        #expect(S.System.age(0) == "0ms")
        #expect(S.System.age(999) == "999ms")
        #expect(S.System.age(42_000) == "42s")
        #expect(S.System.age(185_500) == "3m05s")
        #expect(S.System.age(7_620_000) == "2h07m")
        #expect(S.System.age(-5) == "0ms")
    }

    @Test func theMergedViewRoundTripsAsJSON() throws {
        let system = S.System.merging(
            router: Self.reply("router", 1, .answered(Self.router)), distributors: [],
            presence: Self.reply("presence", 4, .answered(Self.presence)), configuredQueues: Self.configured)
        let data = try JSONEncoder().encode(system)
        #expect(try JSONDecoder().decode(S.System.self, from: data) == system)
    }
}
