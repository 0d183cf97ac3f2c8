import Testing
@testable import SwitchboardCore

@Suite struct DistributionCoreTests {
    @Test func roundRobinRotatesThroughTheMembers() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b", "c"], assignment: .roundRobin)])
        h.agents([("a", .available, 5), ("b", .available, 5), ("c", .available, 5)])
        for id in ["c1", "c2", "c3", "c4"] { h.arrive(id) }
        #expect(h.offeredAgents == ["a", "b", "c", "a"])
    }

    @Test func highestCapacityPicksMostFreeUnitsAndBreaksTiesByRoundRobin() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b", "c"], assignment: .highestCapacity)])
        h.agents([("a", .available, 2), ("b", .available, 4), ("c", .available, 4)])
        h.arrive("c1")  // b and c tie at 4: b first in rotation
        h.arrive("c2")  // b 3, c 4: c
        h.arrive("c3")  // a 2, b 3, c 3: b and c tie; the rotation after c reaches b first
        #expect(h.offeredAgents == ["b", "c", "b"])
    }

    @Test func mostIdlePicksTheLongestSinceLastAssignment() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b", "c"], assignment: .mostIdle)])
        h.presence = [
            "a": AgentStatus(agentID: "a", basePresence: .available, capacityTotal: 3, capacityUsed: 0, lastAssignmentAtMs: 500),
            "b": AgentStatus(agentID: "b", basePresence: .available, capacityTotal: 3, capacityUsed: 0, lastAssignmentAtMs: 100),
            "c": AgentStatus(agentID: "c", basePresence: .available, capacityTotal: 3, capacityUsed: 0, lastAssignmentAtMs: 300),
        ]
        h.send(.agentsSnapshot(Array(h.presence.values)))
        h.arrive("c1")
        #expect(h.offeredAgents == ["b"])
        h.reply("c1", accept: true)  // b assigned now: most recent
        h.arrive("c2")
        #expect(h.offeredAgents == ["b", "c"])
    }

    @Test func onlyEligibleAgentsAreOffered() {
        var h = DistributionHarness(
            queues: [DistributionHarness.queue(agents: ["away", "full", "member"])],
            workStreams: [DistributionHarness.chat(capacity: 2)])
        // "outsider" is free but not a member; "away" is not in allowedPresences; "full" lacks units.
        h.agents([("outsider", .available, 9), ("away", .away, 9), ("full", .available, 1), ("member", .busy, 2)])
        h.arrive("c1")
        #expect(h.reservedAgents == ["member"])
        #expect(h.offeredAgents == ["member"])
    }

    @Test func rejectReleasesCountsADeclineAndOffersTheNextAgent() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b"], maxDeclines: 1)])
        h.agents([("a", .available, 1), ("b", .available, 1)])
        h.arrive("c1")
        h.reply("c1", accept: false)
        #expect(h.offeredAgents == ["a", "b"])
        #expect(h.core.conversations["c1"]?.declines == ["a": 1])
        #expect(h.presence["a"]?.capacityUsed == 0, "the reservation was released")
        h.reply("c1", accept: false)
        // Both are at maxDeclines 1: nobody left; the conversation waits Open.
        #expect(h.offeredAgents == ["a", "b"])
        #expect(h.core.conversations["c1"]?.state == .open)
        #expect(h.core.conversations["c1"]?.pending == nil)
    }

    @Test func declineLimitAllowsRetryUntilMaxDeclines() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a"], maxDeclines: 2)])
        h.agents([("a", .available, 1)])
        h.arrive("c1")
        h.reply("c1", accept: false)
        h.reply("c1", accept: false)
        #expect(h.offeredAgents == ["a", "a"])
        h.setPresence("a", .busy)  // a change: still no third offer
        #expect(h.offeredAgents == ["a", "a"])
    }

    @Test func anOfferExpiresAtItsDeadlineAndGoesToTheNextAgent() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b"], timeout: .seconds(60))])
        h.agents([("a", .available, 1), ("b", .available, 1)])
        let start = h.nowMs
        h.arrive("c1")
        #expect(h.core.nextDeadline == start + 60_000)
        h.advance(to: start + 59_999)
        #expect(h.offeredAgents == ["a"])
        h.advance(to: start + 60_000)
        #expect(h.offeredAgents == ["a", "b"])
        #expect(h.log.contains(.withdrawOffer(offerID: "c1#1", agentID: "a", conversationID: "c1", reason: .expired)))
        #expect(h.log.contains(.offerExpired(conversationID: "c1", agentID: "a")))
        #expect(h.core.conversations["c1"]?.declines["a"] == 1)
        #expect(h.core.nextDeadline == start + 120_000)
    }

    @Test func assignmentIsRetriedWhenAnAgentUpdateMakesRoom() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a"])])
        h.agents([("a", .away, 1)])
        h.arrive("c1")
        #expect(h.reservedAgents.isEmpty)
        h.setPresence("a", .available)
        #expect(h.offeredAgents == ["a"])
        h.reply("c1", accept: true)
        h.arrive("c2")
        #expect(h.reservedAgents == ["a"], "a is full")
        // Capacity freed by presence (e.g. another distributor's conversation ended).
        h.presence["a"]?.capacityTotal = 2
        h.publish("a")
        #expect(h.offeredAgents == ["a", "a"])
    }

    @Test func aDeniedAgentIsSkippedUntilItsNextUpdate() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b"])])
        h.agents([("a", .available, 1), ("b", .available, 1)])
        h.autoAnswerReserves = false
        h.arrive("c1")
        #expect(h.pendingReserves.map(\.reservation.agentID) == ["a"])
        let first = h.pendingReserves.removeFirst()
        h.answer(first, grant: false)
        #expect(h.core.deniedUntilUpdate == ["a"])
        #expect(h.pendingReserves.map(\.reservation.agentID) == ["b"])
        h.answer(h.pendingReserves.removeFirst(), grant: false)
        #expect(h.pendingReserves.isEmpty, "both denied: wait for an update")
        h.publish("a")
        #expect(h.pendingReserves.map(\.reservation.agentID) == ["a"])
        #expect(h.pendingReserves.first?.reservation.id == "c1#3")
    }

    @Test func ownReservationsCountUntilPresenceReportsThem() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a"])])
        h.agents([("a", .available, 1)])
        h.autoAnswerReserves = false
        h.arrive("c1")
        h.arrive("c2")
        #expect(h.pendingReserves.count == 1, "one free unit: one reservation in flight")
    }

    @Test func acceptMakesTheConversationActiveAndForwardsItsMessagesInOrder() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a"])])
        h.agents([("a", .available, 1)])
        h.arrive("c1")
        h.send(.messageArrived(conversationID: "c1", sequence: 2))
        h.reply("c1", accept: true)
        #expect(h.core.conversations["c1"]?.state == .active)
        #expect(h.core.conversations["c1"]?.agentID == "a")
        #expect(h.log.contains(.forwardMessages(conversationID: "c1", agentID: "a", sequences: 1...2)))
        h.send(.messageArrived(conversationID: "c1", sequence: 4))  // gap: held
        h.send(.messageArrived(conversationID: "c1", sequence: 4))  // repeat: nothing
        #expect(!h.log.contains { if case .forwardMessages(_, _, let s) = $0 { s.contains(4) } else { false } })
        h.send(.messageArrived(conversationID: "c1", sequence: 3))
        #expect(h.log.contains(.forwardMessages(conversationID: "c1", agentID: "a", sequences: 3...4)))
        #expect(h.presence["a"]?.capacityUsed == 1, "accept keeps the reservation")
    }

    @Test func aReplyToAnOfferThatNoLongerStandsIsRefused() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b"], timeout: .seconds(10))])
        h.agents([("a", .available, 1), ("b", .available, 1)])
        h.arrive("c1")
        h.advance(to: h.nowMs + 10_000)
        h.send(.offerReplied(offerID: "c1#1", agentID: "a", accepted: true))
        #expect(h.log.contains(.answerOfferReply(offerID: "c1#1", stands: false)))
        #expect(h.core.conversations["c1"]?.state == .open)
    }

    @Test func oldestFirstWithinAQueueAndLowerPriorityNumberFirstAcrossQueues() {
        var h = DistributionHarness(queues: [
            DistributionHarness.queue("low", agents: ["a"], priority: 5),
            DistributionHarness.queue("high", agents: ["a"], priority: 1, maxDeclines: 1),
        ])
        h.agents([("a", .away, 1)])
        h.arrive("l1", queue: "low")
        h.arrive("h1", queue: "high")
        h.arrive("h2", queue: "high")
        h.setPresence("a", .available)
        #expect(h.log.compactMap { if case .sendOffer(let o) = $0 { o.conversationID } else { nil } } == ["h1"])
        h.reply("h1", accept: false)
        #expect(h.log.compactMap { if case .sendOffer(let o) = $0 { o.conversationID } else { nil } } == ["h1", "h2"])
    }

    @Test func pickWorkStreamsAreNotPushed() {
        var h = DistributionHarness(
            queues: [DistributionHarness.queue(agents: ["a"])],
            workStreams: [DistributionHarness.chat(push: false)])
        h.agents([("a", .available, 1)])
        h.arrive("c1")
        #expect(h.reservedAgents.isEmpty)
    }

    @Test func restoreResendsStandingOffersKeepsActiveAndWithdrawsExpired() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b", "c"], timeout: .seconds(30))])
        h.agents([("a", .available, 1), ("b", .available, 1), ("c", .available, 1)])
        h.arrive("active")
        h.reply("active", accept: true)
        h.arrive("offered")
        h.autoAnswerReserves = false
        h.arrive("reserving")
        let records = Array(h.core.conversations.values)

        var restarted = DistributionCore(queues: h.core.queues.values.map(\.definition), workStreams: [DistributionHarness.chat()])
        let step = restarted.restore(records)
        #expect(step.actions.count == 3)
        // The first message was handed to a but never confirmed: handed again.
        #expect(step.actions.contains(.forwardMessages(conversationID: "active", agentID: "a", sequences: 1...1)))
        #expect(step.actions.contains { if case .sendOffer(let o) = $0 { o.conversationID == "offered" && o.offerID == "offered#1" } else { false } })
        #expect(step.actions.contains { if case .reserve(let r) = $0 { r.reservation.id == "reserving#1" } else { false } })
        #expect(restarted.conversations["active"]?.state == .active)
        #expect(restarted.conversations["active"]?.agentID == "a")

        let later = h.nowMs + 30_000
        let expired = restarted.handle(.clockAdvanced, nowMs: later)
        #expect(expired.actions.contains(.withdrawOffer(offerID: "offered#1", agentID: "b", conversationID: "offered", reason: .expired)))
        #expect(expired.actions.contains { if case .release(let r, "offered") = $0 { r.id == "offered#1" } else { false } })
        #expect(!expired.actions.contains { if case .release(_, "active") = $0 { true } else { false } })
        #expect(expired.changed.map(\.id) == ["offered"])
    }

    @Test func confirmedMessagesAreNotHandedAgainAfterARestart() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a"])])
        h.agents([("a", .available, 1)])
        h.arrive("c1")
        h.reply("c1", accept: true)
        h.send(.messageArrived(conversationID: "c1", sequence: 2))
        h.send(.messageAcknowledged(conversationID: "c1", sequence: 1))
        var restarted = DistributionCore(queues: h.core.queues.values.map(\.definition), workStreams: [DistributionHarness.chat()])
        #expect(restarted.restore(Array(h.core.conversations.values)).actions == [
            .forwardMessages(conversationID: "c1", agentID: "a", sequences: 2...2)
        ])
        h.send(.messageAcknowledged(conversationID: "c1", sequence: 2))
        var again = DistributionCore(queues: h.core.queues.values.map(\.definition), workStreams: [DistributionHarness.chat()])
        #expect(again.restore(Array(h.core.conversations.values)).actions.isEmpty)
    }

    @Test func aRepeatedAcceptGetsTheSameAnswerAndChangesNothing() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b"])])
        h.agents([("a", .available, 1), ("b", .available, 1)])
        h.arrive("c1")
        h.reply("c1", accept: true)
        let before = h.core.conversations["c1"]
        h.send(.offerReplied(offerID: "c1#1", agentID: "a", accepted: true))
        #expect(h.log.filter { $0 == .answerOfferReply(offerID: "c1#1", stands: true) }.count == 2)
        #expect(h.core.conversations["c1"] == before)
        // Another agent's claim on it does not stand.
        h.send(.offerReplied(offerID: "c1#1", agentID: "b", accepted: true))
        #expect(h.log.last == .answerOfferReply(offerID: "c1#1", stands: false))
    }

    @Test func afterADeclineTheNextAgentComesFirstWhateverTheMethod() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b"], assignment: .mostIdle, maxDeclines: 3)])
        h.presence = [
            "a": AgentStatus(agentID: "a", basePresence: .available, capacityTotal: 1, capacityUsed: 0, lastAssignmentAtMs: 1),
            "b": AgentStatus(agentID: "b", basePresence: .available, capacityTotal: 1, capacityUsed: 0, lastAssignmentAtMs: 2),
        ]
        h.send(.agentsSnapshot(Array(h.presence.values)))
        h.arrive("c1")
        h.reply("c1", accept: false)  // a is still the most idle, but declined it: b next
        h.reply("c1", accept: false)  // both declined once: back to the most idle
        #expect(h.offeredAgents == ["a", "b", "a"])
    }
}
