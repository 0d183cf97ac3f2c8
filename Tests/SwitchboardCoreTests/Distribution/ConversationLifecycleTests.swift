import Testing
@testable import SwitchboardCore

/// D5 driven by agents' commands and customer events: every allowed move, and a refusal
/// naming both states for the others; Closed conversations leave memory and tell the router.
@Suite struct ConversationLifecycleTests {
    enum Start: String, CaseIterable { case open, active, waiting, wrapUp }

    /// A conversation c1 of agent a in state `start` (Open: offered to nobody, a is away).
    static func harness(in start: Start, stream: WorkStream = DistributionHarness.sms()) -> DistributionHarness {
        var h = DistributionHarness(
            queues: [DistributionHarness.queue(agents: ["a", "b"])], workStreams: [stream], otherQueues: ["elsewhere"])
        h.agents([("a", .available, 2), ("b", .away, 2)])
        if start == .open { h.setPresence("a", .away) }
        h.arrive("c1", stream: stream.name)
        guard start != .open else { return h }
        h.reply("c1", accept: true)
        switch start {
        case .waiting: h.command("a", .hold, "c1")
        case .wrapUp: h.command("a", .wrapUp, "c1")
        case .open, .active: break
        }
        #expect(h.core.conversations["c1"]?.state.description == ConversationState(rawValue: start.rawValue)?.description)
        return h
    }

    /// The state each command moves to from each state, for the agent holding it (nil: refused).
    static let moves: [Start: [String: ConversationState]] = [
        .active: ["wrapUp": .wrapUp, "hold": .waiting, "release": .open, "transferToQueue": .open],
        .waiting: ["resume": .active],
        .wrapUp: ["close": .closed],
    ]

    static let commands: [(String, DistributionCommand.Kind, ConversationState)] = [
        ("wrapUp", .wrapUp, .wrapUp), ("hold", .hold, .waiting), ("release", .release, .open),
        ("resume", .resume, .active), ("close", .close, .closed), ("transferToQueue", .transferToQueue("q"), .open),
    ]

    @Test(arguments: [Start.active, .waiting, .wrapUp])
    func theHolderMayMakeExactlyTheMovesOfD5(start: Start) {
        for (name, kind, target) in Self.commands {
            var h = Self.harness(in: start)
            let from = h.core.conversations["c1"]?.state ?? .closed
            let error = h.command("a", kind, "c1")
            if let expected = Self.moves[start]?[name] {
                #expect(error == nil, "\(name) from \(from): \(error?.message ?? "")")
                #expect((h.core.conversations["c1"]?.state ?? .closed) == expected)
                #expect(h.log.contains(.stateChanged(conversationID: "c1", from: from, to: expected, agentID: "a")))
            } else {
                #expect(error?.code == .invalidTransition, "\(name) from \(from)")
                #expect(error?.message.contains(from.description) == true, "\(error?.message ?? "") names \(from)")
                #expect(error?.message.contains(target.description) == true, "\(error?.message ?? "") names \(target)")
            }
        }
    }

    @Test(arguments: Start.allCases)
    func anotherAgentMayNotMoveTheConversation(start: Start) {
        for (name, kind, _) in Self.commands {
            var h = Self.harness(in: start)
            let error = h.command("b", kind, "c1")
            #expect(error?.code == .notAllowed, "\(name) by b from \(start)")
        }
    }

    @Test func anUnknownConversationIsRefused() {
        var h = Self.harness(in: .active)
        #expect(h.command("a", .wrapUp, "nope")?.code == .unknownConversation)
        #expect(h.command("a", .pick, "nope")?.code == .unknownConversation)
    }

    @Test func closingAfterWrapUpTellsTheRouterAndForgetsTheConversation() {
        var h = Self.harness(in: .wrapUp)
        #expect(h.command("a", .close, "c1") == nil)
        #expect(h.core.conversations["c1"] == nil)
        #expect(h.log.contains(.conversationClosed(conversationID: "c1")))
        #expect(h.closed == ["c1"])
        #expect(h.presence["a"]?.capacityUsed == 0, "the wrap-up capacity was given back")
        // Stored Closed: a restart tells the router again, and does not bring it back.
        h.restart()
        #expect(h.core.conversations["c1"] == nil)
        #expect(h.log.filter { $0 == .conversationClosed(conversationID: "c1") }.count == 2)
    }

    @Test func releaseGoesBackToTheQueueAndCountsAsADecline() {
        var h = Self.harness(in: .active)
        h.setPresence("b", .available)
        #expect(h.command("a", .release, "c1") == nil)
        #expect(h.core.conversations["c1"]?.declines["a"] == 1)
        #expect(h.offeredAgents == ["a", "b"], "pushed to the next agent, not straight back to a")
    }

    @Test func holdGivesTheCapacityBackAndKeepsTheAgentForAffinity() {
        let h = Self.harness(in: .waiting)
        #expect(h.presence["a"]?.capacityUsed == 0)
        #expect(h.core.conversations["c1"]?.agentID == "a")
        #expect(h.core.conversations["c1"]?.held == nil)
    }

    @Test func resumeTakesItBackWhateverTheLoad() {
        var h = Self.harness(in: .waiting)
        h.setPresence("a", .busyDnd)
        h.presence["a"]?.capacityTotal = 0
        h.publish("a")
        #expect(h.command("a", .resume, "c1") == nil)
        #expect(h.core.conversations["c1"]?.state == .active)
        #expect(h.log.contains(.overCapacity(conversationID: "c1", agentID: "a", reason: .affinity)))
        #expect(h.presence["a"]?.capacityUsed == 1)
    }

    @Test func theCustomerLeavingClosesWhatNobodyHoldsAndWrapsUpWhatAnAgentHolds() {
        var open = Self.harness(in: .open)
        open.send(.customerLeft(conversationID: "c1"))
        #expect(open.core.conversations["c1"] == nil)
        #expect(open.log.contains(.stateChanged(conversationID: "c1", from: .open, to: .closed, agentID: nil)))

        var active = Self.harness(in: .active)
        active.send(.customerLeft(conversationID: "c1"))
        #expect(active.core.conversations["c1"]?.state == .wrapUp)

        var waiting = Self.harness(in: .waiting)
        waiting.send(.customerLeft(conversationID: "c1"))
        #expect(waiting.core.conversations["c1"] == nil)
        #expect(waiting.closed == ["c1"])

        var wrapUp = Self.harness(in: .wrapUp)
        wrapUp.send(.customerLeft(conversationID: "c1"))
        #expect(wrapUp.core.conversations["c1"]?.state == .wrapUp)
    }

    @Test func anAsynchronousConversationGoesQuietButALiveChatDoesNot() {
        var sms = Self.harness(in: .active)
        sms.send(.conversationWentQuiet(conversationID: "c1"))
        #expect(sms.core.conversations["c1"]?.state == .waiting)

        var chat = Self.harness(in: .active, stream: DistributionHarness.chat())
        chat.send(.conversationWentQuiet(conversationID: "c1"))
        #expect(chat.core.conversations["c1"]?.state == .active)
    }

    @Test func theCustomerWritingBringsAWaitingConversationBack() {
        var h = Self.harness(in: .waiting, stream: DistributionHarness.sms(affinity: false))
        h.write("c1")
        #expect(h.core.conversations["c1"]?.needsAgent == true)
        #expect(h.offeredAgents == ["a", "a"], "normal push: a is the only eligible agent")
        h.reply("c1", accept: true)
        #expect(h.core.conversations["c1"]?.state == .active)
        #expect(h.log.contains(.stateChanged(conversationID: "c1", from: .waiting, to: .active, agentID: "a")))
        // The same agent gets only the messages they have not seen.
        #expect(h.log.last { if case .forwardMessages = $0 { true } else { false } }
            == .forwardMessages(conversationID: "c1", agentID: "a", sequences: 2...2))
    }
}
