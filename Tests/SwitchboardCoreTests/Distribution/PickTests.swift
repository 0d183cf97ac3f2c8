import Testing
@testable import SwitchboardCore

/// D2 pick and D3 select from push: open work items, live updates, first pick wins.
@Suite struct PickTests {
    static let pickStream = DistributionHarness.chat(name: "pick", push: false)
    static let selectable = DistributionHarness.chat(name: "select", selectFromPush: true)

    static func harness() -> DistributionHarness {
        var h = DistributionHarness(
            queues: [
                DistributionHarness.queue("q", agents: ["a", "b"], priority: 2),
                DistributionHarness.queue("vip", agents: ["a"], priority: 1),
            ],
            workStreams: [pickStream, selectable, DistributionHarness.chat()])
        h.agents([("a", .available, 1), ("b", .available, 1)])
        return h
    }

    @Test func openWorkItemsListPickConversationsLiveAndOldestFirst() {
        var h = Self.harness()
        h.arrive("p1", stream: "pick")
        h.arrive("v1", queue: "vip", stream: "pick")
        h.arrive("p2", stream: "pick")
        h.arrive("pushed", stream: "chat")
        #expect(h.offeredConversations == ["pushed"], "pick conversations are not pushed")
        #expect(h.core.openWorkItems(inQueue: "q").map(\.conversationID) == ["p1", "p2"])
        #expect(h.core.openWorkItems(forAgent: "a").map(\.conversationID) == ["v1", "p1", "p2"], "higher priority queue first")
        #expect(h.core.openWorkItems(forAgent: "b").map(\.conversationID) == ["p1", "p2"])
        #expect(h.log.contains(.workItemAdded(queue: "q", conversationID: "p1")))
        #expect(!h.log.contains(.workItemAdded(queue: "q", conversationID: "pushed")))

        #expect(h.command("b", .pick, "p2") == nil)
        #expect(h.log.contains(.workItemRemoved(queue: "q", conversationID: "p2")))
        #expect(h.core.openWorkItems(forAgent: "b").map(\.conversationID) == ["p1"])
    }

    @Test func theFirstPickWinsAndTheSecondIsAlreadyTaken() {
        var h = Self.harness()
        h.arrive("p1", stream: "pick")
        #expect(h.command("a", .pick, "p1") == nil)
        let late = h.command("b", .pick, "p1")
        #expect(late?.code == .alreadyTaken)
        #expect(late?.message.contains("already taken") == true)
        #expect(h.core.conversations["p1"]?.agentID == "a")
        #expect(h.command("a", .pick, "p1") == nil, "the winner's repeat stands")
        #expect(h.log.contains(.reserve(ReserveRequest(
            reservation: Reservation(id: "p1#1", agentID: "a", units: 1, reason: .pick), conversationID: "p1", queue: "q",
            allowedPresences: []))))
        #expect(h.log.contains(.forwardMessages(conversationID: "p1", agentID: "a", sequences: 1...1)))
    }

    @Test func aPickIgnoresCapacityAndPresenceAndIsRecordedAboveCapacity() {
        var h = Self.harness()
        h.setPresence("b", .away)
        h.arrive("p1", stream: "pick")
        h.arrive("p2", stream: "pick")
        #expect(h.command("b", .pick, "p1") == nil)
        #expect(!h.log.contains { if case .overCapacity = $0 { true } else { false } })
        #expect(h.command("b", .pick, "p2") == nil)
        #expect(h.log.contains(.overCapacity(conversationID: "p2", agentID: "b", reason: .pick)))
        #expect(h.presence["b"]?.capacityUsed == 2)
        #expect(h.core.freeUnits(of: "b") == -1)
    }

    @Test func onlyMembersPickAndOnlyFromOpenWorkItems() {
        var h = Self.harness()
        h.arrive("v1", queue: "vip", stream: "pick")
        h.setPresence("a", .away)
        h.arrive("pushed", stream: "chat")
        #expect(h.command("b", .pick, "v1")?.code == .notAllowed, "b is not in vip")
        #expect(h.command("b", .pick, "pushed")?.code == .notAllowed, "push without selectFromPush")
    }

    @Test func selectFromPushListsPushConversationsAndWithdrawsTheirOffer() {
        var h = Self.harness()
        h.arrive("s1", stream: "select")
        #expect(h.offeredAgents == ["a"], "still pushed")
        #expect(h.core.openWorkItems(inQueue: "q").map(\.offeredTo) == ["a"])
        h.setPresence("b", .away)
        #expect(h.command("b", .pick, "s1") == nil, "D3 ignores presence")
        #expect(h.log.contains(.withdrawOffer(offerID: "s1#1", agentID: "a", conversationID: "s1", reason: .taken)))
        #expect(h.log.contains { if case .release(let r, "s1") = $0 { r.id == "s1#1" } else { false } })
        #expect(h.presence["a"]?.capacityUsed == 0, "the push reservation was given back")
        #expect(h.core.conversations["s1"]?.held?.reason == .selectFromPush)
        // a's answer to the withdrawn offer does not stand.
        h.send(.offerReplied(offerID: "s1#1", agentID: "a", accepted: true))
        #expect(h.log.last == .answerOfferReply(offerID: "s1#1", stands: false))
        #expect(h.core.conversations["s1"]?.agentID == "b")
    }

    @Test func aPickWhileTheReservationIsBeingMadeGivesItBackWhenGranted() {
        var h = Self.harness()
        h.autoAnswerReserves = false
        h.arrive("s1", stream: "select")
        let push = h.pendingReserves.removeFirst()
        #expect(h.command("b", .pick, "s1") == nil)
        let pick = h.pendingReserves.removeFirst()
        h.answer(push, grant: true)  // presence grants the push reservation after all
        #expect(h.held[push.reservation.id] == nil, "given back")
        h.autoAnswerReserves = true
        h.answer(pick)
        #expect(h.presence["a"]?.capacityUsed == 0)
        #expect(h.core.conversations["s1"]?.agentID == "b")
    }
}
