import Testing
@testable import SwitchboardCore

/// D7: an agent gone past presence's grace period.
@Suite struct DisconnectTests {
    static func harness() -> DistributionHarness {
        var h = DistributionHarness(
            queues: [DistributionHarness.queue(agents: ["a", "b"])],
            workStreams: [DistributionHarness.chat(), DistributionHarness.sms(), persistentChat])
        h.agents([("a", .available, 5), ("b", .away, 5)])
        return h
    }

    static let persistentChat = WorkStream(
        name: "persistent", channelType: .chat, channels: ["web"], capacity: 1, persistentChat: true,
        autoCloseAfterInactivity: .seconds(600), distribution: .push, allowedPresences: [.available, .busy],
        selectFromPush: false, agentAffinity: false, wrapUpCapacity: .always, contextVariables: [], routingRules: [],
        fallbackQueue: "q")

    @Test func liveChatsGoBackToTheQueueAsynchronousOnesWaitAndWrapUpsClose() {
        var h = Self.harness()
        for (id, stream) in [("chat", "chat"), ("sms", "sms"), ("persistent", "persistent"), ("done", "chat")] {
            h.arrive(id, stream: stream)
            h.reply(id, accept: true)
        }
        #expect(h.command("a", .wrapUp, "done") == nil)
        h.arrive("offered")
        #expect(h.openOffers["offered"]?.agentID == "a")
        h.setPresence("b", .available)
        h.disconnect("a")

        #expect(h.core.conversations["chat"]?.state == .open, "back in the queue")
        #expect(h.openOffers["chat"]?.agentID == "b", "and offered to b at once")
        #expect(h.log.contains(.stateChanged(conversationID: "chat", from: .active, to: .open, agentID: "a")))
        #expect(h.core.conversations["sms"]?.state == .waiting)
        #expect(h.core.conversations["sms"]?.agentID == "a", "D4 still prefers a")
        #expect(h.core.conversations["persistent"]?.state == .waiting)
        #expect(h.core.conversations["done"] == nil)
        #expect(h.closed == ["done"])
        #expect(h.log.contains(.withdrawOffer(offerID: "offered#1", agentID: "a", conversationID: "offered", reason: .agentUnavailable)))
        #expect(h.core.conversations["offered"]?.declines["a"] == nil, "not the agent's decline")
        #expect(h.openOffers["offered"]?.agentID == "b")
        #expect(h.presence["a"]?.capacityUsed == 0)
    }

    @Test func anAffinityOfferToADisconnectedAgentFallsBackToPush() {
        var h = Self.harness()
        h.arrive("sms", stream: "sms")
        h.reply("sms", accept: true)
        h.disconnect("a")
        h.setPresence("b", .available)
        h.write("sms")
        #expect(h.log.contains { if case .sendOffer(let o) = $0 { o.kind == .affinity && o.agentID == "a" } else { false } })
        #expect(h.openOffers["sms"]?.agentID == "b", "undeliverable to a: b gets it")
    }
}
