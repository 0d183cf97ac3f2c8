import Foundation
import Testing
@testable import SwitchboardCore

/// Random sequences of everything that happens to a distributor — arrivals, customer
/// messages and departures, presence and capacity changes, accepts, rejects, time-outs,
/// agents' commands (valid or not), disconnects, membership changes and crashes (with and
/// without the step's actions done) — with G2, G3, D6 and the core's indexes checked after
/// every step (`DistributionInvariants`). Seeded: a failure names its seed; run one seed
/// with `DISTRIBUTION_SEED=<seed> swift test --filter DistributionPropertyTests`.
@Suite struct DistributionPropertyTests {
    static let seeds: [UInt64] = {
        if let value = ProcessInfo.processInfo.environment["DISTRIBUTION_SEED"], let seed = UInt64(value) { return [seed] }
        return [1, 2, 3, 20_261_125]
    }()

    static let agentIDs = ["a", "b", "c", "d", "e"]

    static let queues = [
        DistributionHarness.queue(
            "main", agents: ["a", "b", "c", "d"], assignment: .roundRobin, priority: 1, timeout: .seconds(30),
            maxDeclines: 2, onMissedOffer: .away),
        DistributionHarness.queue("side", agents: ["c", "d", "e"], assignment: .highestCapacity, priority: 2, timeout: .seconds(20)),
        DistributionHarness.queue("idle", agents: ["a", "e"], assignment: .mostIdle, priority: 3, maxDeclines: 1),
    ]

    static let streams = [
        DistributionHarness.chat(name: "chat"),
        DistributionHarness.sms(name: "sms", autoClose: .seconds(300), wrapUp: .duration(.seconds(60))),
        DistributionHarness.chat(name: "pick", push: false, wrapUp: .never),
        DistributionHarness.chat(name: "select", capacity: 2, allowed: [.available], selectFromPush: true),
    ]

    @Test(arguments: seeds)
    func invariantsHoldThroughRandomSequences(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var h = DistributionHarness(queues: Self.queues, workStreams: Self.streams, otherQueues: ["remote"])
        h.agents(Self.agentIDs.map { ($0, .available, Int.random(in: 1...3, using: &random)) })
        var next = 0
        var commands = [String: Int]()
        for step in 0..<1_500 {
            h.context = "seed \(seed) step \(step): "
            Self.randomStep(&h, next: &next, commands: &commands, random: &random)
        }
        #expect(h.arrived.count == next, "seed \(seed): every arrival stored")
        Self.expectEverythingHappened(h, commands: commands, seed: seed)
    }

    /// The run is only worth its invariants if it went everywhere: every outcome and move
    /// happened, every command succeeded and was refused.
    static func expectEverythingHappened(_ h: DistributionHarness, commands: [String: Int], seed: UInt64) {
        var seen = Set<String>()
        for action in h.log {
            switch action {
            case .stateChanged(_, let from, let to, _): seen.insert("\(from)→\(to)")
            case .sendOffer(let offer): seen.insert("offer.\(offer.kind)")
            default: seen.insert(String(describing: action).prefix { $0 != "(" }.description)
            }
        }
        let expected = [
            "offerAccepted", "offerRejected", "offerExpired", "withdrawOffer", "transferCompleted", "transferFailed",
            "transferOut", "conversationClosed", "overCapacity", "setAgentAway", "workItemAdded", "workItemRemoved",
            "forwardMessages", "release", "offer.push", "offer.affinity", "offer.transfer",
            "Open→Active", "Open→Closed", "Active→WrapUp", "Active→Waiting", "Active→Open", "Waiting→Active",
            "Waiting→Closed", "WrapUp→Closed",
        ]
        for name in expected { #expect(seen.contains(name), "seed \(seed): \(name) never happened") }
        for kind in ["pick", "wrapUp", "hold", "release", "resume", "close", "transferToQueue", "transferToAgent"] {
            #expect(commands["\(kind) done", default: 0] > 0, "seed \(seed): \(kind) never succeeded")
            #expect(commands["\(kind) refused", default: 0] > 0, "seed \(seed): \(kind) never refused")
        }
        for code in ["already taken", "not allowed", "invalid transition", "unknown conversation", "unknown target"] {
            #expect(commands[code, default: 0] > 0, "seed \(seed): no refusal \(code)")
        }
    }

    static func randomStep(
        _ h: inout DistributionHarness, next: inout Int, commands: inout [String: Int], random: inout SplitMix64
    ) {
        // Mostly live conversations (so moves happen), sometimes closed or gone ones.
        let live = h.core.conversations.keys.sorted()
        let known = h.arrived.sorted()
        func anyConversation() -> String {
            let pool = live.isEmpty || Int.random(in: 0..<5, using: &random) == 0 ? known : live
            return pool.randomElement(using: &random) ?? "none"
        }
        func anyAgent() -> String { agentIDs.randomElement(using: &random) ?? "a" }
        // Conversations agents hold or left Waiting: where the D5 moves and D4 happen.
        let held = live.filter { h.core.conversations[$0]?.agentID != nil }
        let waiting = held.filter { h.core.conversations[$0]?.state == .waiting }
        func heldOrAny(_ subset: [String]) -> String {
            subset.isEmpty || Bool.random(using: &random) ? anyConversation() : subset.randomElement(using: &random) ?? "none"
        }
        switch Int.random(in: 0..<100, using: &random) {
        case 0..<10:
            next += 1
            h.arrive(
                "c\(next)", queue: queues.randomElement(using: &random)?.name ?? "main",
                stream: streams.randomElement(using: &random)?.name ?? "chat")
        case 10..<20:
            h.write(heldOrAny(waiting))
        case 20..<23:
            h.send(.customerLeft(conversationID: heldOrAny(held)))
        case 23..<29:
            h.send(.conversationWentQuiet(conversationID: heldOrAny(held)))
        case 29..<37:
            let agent = anyAgent()
            if !h.disconnected.contains(agent) {
                h.setPresence(agent, [.available, .busy, .away].randomElement(using: &random) ?? .available)
            }
        case 37..<39:
            let agent = anyAgent()
            h.presence[agent]?.capacityTotal = Int.random(in: 0...3, using: &random)
            h.publish(agent)
        case 39..<51:
            if let offer = h.openOffers.values.sorted(by: { $0.offerID < $1.offerID }).randomElement(using: &random) {
                h.reply(offer, accept: Int.random(in: 0..<10, using: &random) < 6)
            }
        case 51..<57:
            h.advance(by: Int64.random(in: 0...40_000, using: &random))
        case 57..<79:
            randomCommand(&h, conversation: heldOrAny(held), agent: anyAgent(), commands: &commands, random: &random)
        case 79..<81:
            let agent = anyAgent()
            if !h.disconnected.contains(agent) { h.disconnect(agent) }
        case 81..<85:
            if let agent = h.disconnected.sorted().randomElement(using: &random) { h.reconnect(agent) }
        case 85..<86:
            let queue = queues.randomElement(using: &random)?.name ?? "main"
            h.send(.queueMembersChanged(queue: queue, agents: agentIDs.filter { _ in Bool.random(using: &random) }))
        case 86..<88:
            h.restart()
        case 88..<89:
            h.routerConfirmsDepartures()
        case 89..<92:
            let event: DistributionEvent
            switch Int.random(in: 0..<3, using: &random) {
            case 0:
                next += 1
                event = .conversationArrived(conversationID: "c\(next)", queue: "main", workStream: "chat", sequence: 1)
                h.arrived.insert("c\(next)")
            case 1:
                let id = anyConversation()
                event = .messageArrived(conversationID: id, sequence: (h.core.conversations[id]?.receivedThrough ?? 0) + 1)
            default:
                h.nowMs += Int64.random(in: 0...40_000, using: &random)
                event = .clockAdvanced
            }
            h.crashBeforeActing(event)
        default:
            // A pick of a listed work item, the likeliest command to succeed.
            let items = queues.flatMap { h.core.openWorkItems(inQueue: $0.name).map(\.conversationID) }
            if let id = items.randomElement(using: &random) {
                count(h.command(anyAgent(), .pick, id), of: .pick, in: &commands)
            }
        }
    }

    static func randomCommand(
        _ h: inout DistributionHarness, conversation: String, agent: String, commands: inout [String: Int],
        random: inout SplitMix64
    ) {
        // Mostly the holder, so the moves happen; sometimes anyone, so refusals do too.
        let holder = h.core.conversations[conversation]?.agentID
        let actor = Int.random(in: 0..<4, using: &random) == 0 ? agent : holder ?? agent
        let kinds: [DistributionCommand.Kind] = [
            .pick, .wrapUp, .hold, .release, .resume, .close, .transferToQueue("main"), .transferToQueue("side"),
            .transferToQueue("remote"), .transferToQueue("nowhere"), .transferToAgent(agent),
        ]
        // Half the time a move that fits the state (so each succeeds), else any.
        let fitting: [DistributionCommand.Kind] =
            switch h.core.conversations[conversation]?.state {
            case .active?: [.wrapUp, .hold, .release, .transferToQueue("side"), .transferToAgent(agent)]
            case .waiting?: [.resume]
            case .wrapUp?: [.close]
            default: [.pick]
            }
        let kind = (Bool.random(using: &random) ? fitting : kinds).randomElement(using: &random) ?? .pick
        let before = h.core.conversations[conversation]
        let error = h.command(actor, kind, conversation)
        if let error {
            #expect(h.core.conversations[conversation] == before, "\(h.context)refused \(kind): \(error.message)")
        }
        count(error, of: kind, in: &commands)
    }

    static func count(_ error: DistributionError?, of kind: DistributionCommand.Kind, in commands: inout [String: Int]) {
        let name = String(describing: kind).prefix { $0 != "(" }
        commands["\(name) \(error == nil ? "done" : "refused")", default: 0] += 1
        if let error { commands[error.code.description, default: 0] += 1 }
    }
}

/// A small seeded generator (SplitMix64): the same seed gives the same sequence everywhere.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
