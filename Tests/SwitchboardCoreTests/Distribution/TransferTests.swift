import Testing
@testable import SwitchboardCore

/// D8: transfer to a queue (here or at another distributor) or to an agent.
@Suite struct TransferTests {
    /// c1 Active for a in q; billing is another owned queue; "remote" another distributor's.
    static func harness() -> DistributionHarness {
        var h = DistributionHarness(
            queues: [
                DistributionHarness.queue("q", agents: ["a"]),
                DistributionHarness.queue("billing", agents: ["b"], timeout: .seconds(20)),
            ],
            otherQueues: ["remote"])
        h.agents([("a", .available, 1), ("b", .available, 1), ("c", .away, 0)])
        h.arrive("c1")
        h.reply("c1", accept: true)
        return h
    }

    @Test func toALocalQueueItBecomesOpenThereAndIsPushed() {
        var h = Self.harness()
        #expect(h.command("a", .transferToQueue("billing"), "c1") == nil)
        #expect(h.core.conversations["c1"]?.queue == "billing")
        #expect(h.log.contains(.stateChanged(conversationID: "c1", from: .active, to: .open, agentID: "a")))
        #expect(h.presence["a"]?.capacityUsed == 0)
        #expect(h.openOffers["c1"]?.agentID == "b")
        #expect(h.openOffers["c1"]?.queue == "billing")
    }

    @Test func toAnotherDistributorsQueueTheRecordLeaves() {
        var h = Self.harness()
        #expect(h.command("a", .transferToQueue("remote"), "c1") == nil)
        #expect(h.core.conversations["c1"] == nil)
        #expect(h.log.contains(.transferOut(conversationID: "c1", toQueue: "remote")))
        #expect(h.presence["a"]?.capacityUsed == 0)
        #expect(h.storedRecord("c1")?.queue == "remote")
        #expect(h.storedRecord("c1")?.state == .open)
        // Stored with its new queue: a restart tells the router again and does not keep it.
        h.restart()
        #expect(h.core.conversations["c1"] == nil)
        #expect(h.log.filter { $0 == .transferOut(conversationID: "c1", toQueue: "remote") }.count == 2)
    }

    @Test func toAnUnknownQueueOrAgentIsRefused() {
        var h = Self.harness()
        #expect(h.command("a", .transferToQueue("nowhere"), "c1")?.code == .unknownTarget)
        #expect(h.command("a", .transferToAgent("nobody"), "c1")?.code == .unknownTarget)
        #expect(h.command("a", .transferToAgent("a"), "c1")?.code == .notAllowed)
        #expect(h.core.conversations["c1"]?.agentID == "a")
    }

    @Test func toAnAgentItIsOfferedAndTheirsOnceTheyAccept() {
        var h = Self.harness()
        h.send(.messageArrived(conversationID: "c1", sequence: 2))
        #expect(h.command("a", .transferToAgent("c"), "c1") == nil)
        // c is away with no capacity: the offer goes out all the same (their decision).
        let offer = h.openOffers["c1"]
        #expect(offer?.agentID == "c")
        #expect(offer?.kind == .transfer)
        #expect(h.log.contains(.overCapacity(conversationID: "c1", agentID: "c", reason: .transfer)))
        #expect(h.core.conversations["c1"]?.agentID == "a", "a holds it until c accepts")
        #expect(h.command("a", .transferToAgent("b"), "c1")?.code == .notAllowed, "one transfer at a time")
        h.reply("c1", accept: true)
        #expect(h.core.conversations["c1"]?.agentID == "c")
        #expect(h.core.conversations["c1"]?.state == .active)
        #expect(h.log.contains(.transferCompleted(conversationID: "c1", fromAgentID: "a", toAgentID: "c")))
        #expect(h.presence["a"]?.capacityUsed == 0)
        #expect(h.presence["c"]?.capacityUsed == 1)
        #expect(h.log.contains(.forwardMessages(conversationID: "c1", agentID: "c", sequences: 1...2)))
        #expect(h.command("a", .wrapUp, "c1")?.code == .notAllowed, "no longer a's")
    }

    @Test func aRejectedOrMissedTransferLeavesItWithTheAgent() {
        var h = Self.harness()
        #expect(h.command("a", .transferToAgent("b"), "c1") == nil)
        h.reply("c1", accept: false)
        #expect(h.log.contains(.transferFailed(conversationID: "c1", fromAgentID: "a", toAgentID: "b")))
        #expect(h.core.conversations["c1"]?.agentID == "a")
        #expect(h.core.conversations["c1"]?.declines.isEmpty == true, "a transfer is not a push decline")

        #expect(h.command("a", .transferToAgent("b"), "c1") == nil)
        h.advance(by: 60_000)
        #expect(h.log.filter { $0 == .transferFailed(conversationID: "c1", fromAgentID: "a", toAgentID: "b") }.count == 2)
        #expect(h.core.conversations["c1"]?.state == .active)
        #expect(h.presence["b"]?.capacityUsed == 0)
    }

    @Test func wrappingUpCancelsATransferInFlight() {
        var h = Self.harness()
        #expect(h.command("a", .transferToAgent("b"), "c1") == nil)
        #expect(h.command("a", .wrapUp, "c1") == nil)
        #expect(h.log.contains(.withdrawOffer(offerID: "c1#2", agentID: "b", conversationID: "c1", reason: .conversationClosed)))
        #expect(h.log.contains(.transferFailed(conversationID: "c1", fromAgentID: "a", toAgentID: "b")))
        #expect(h.presence["b"]?.capacityUsed == 0)
    }
}
