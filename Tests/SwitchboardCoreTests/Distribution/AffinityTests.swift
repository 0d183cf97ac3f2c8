import Testing
@testable import SwitchboardCore

/// D4: a Waiting conversation whose customer writes again goes first to the agent who last
/// held it, whatever their capacity and presence; on reject or time-out normal push applies.
@Suite struct AffinityTests {
    /// c1 held by a, then Waiting; b also in the queue.
    static func waiting(affinity: Bool = true) -> DistributionHarness {
        var h = DistributionHarness(
            queues: [DistributionHarness.queue(agents: ["a", "b"], timeout: .seconds(30))],
            workStreams: [DistributionHarness.sms(affinity: affinity)])
        h.agents([("a", .available, 1), ("b", .away, 1)])
        h.arrive("c1", stream: "sms")
        h.reply("c1", accept: true)
        #expect(h.command("a", .hold, "c1") == nil)
        h.setPresence("b", .available)
        return h
    }

    @Test func theLastAgentIsOfferedItFirstWhateverTheirLoadAndPresence() {
        var h = Self.waiting()
        h.setPresence("a", .away)
        h.arrive("other", stream: "sms")  // b takes it: b is full now
        h.reply("other", accept: true)
        h.presence["a"]?.capacityTotal = 0
        h.publish("a")
        h.write("c1")
        let offer = h.openOffers["c1"]
        #expect(offer?.agentID == "a")
        #expect(offer?.kind == .affinity)
        #expect(h.log.contains { if case .reserve(let r) = $0 { r.reservation.id == offer?.reservationID && r.reason == .affinity } else { false } })
        #expect(h.log.contains(.overCapacity(conversationID: "c1", agentID: "a", reason: .affinity)))
        h.reply("c1", accept: true)
        #expect(h.core.conversations["c1"]?.state == .active)
        #expect(h.core.conversations["c1"]?.agentID == "a")
    }

    @Test func aRejectFallsBackToNormalPush() {
        var h = Self.waiting()
        h.write("c1")
        #expect(h.openOffers["c1"]?.kind == .affinity)
        h.reply("c1", accept: false)
        #expect(h.openOffers["c1"]?.agentID == "b")
        #expect(h.openOffers["c1"]?.kind == .push)
        h.reply("c1", accept: true)
        #expect(h.core.conversations["c1"]?.agentID == "b")
        // b never saw the conversation: handed the whole customer side.
        #expect(h.log.contains(.forwardMessages(conversationID: "c1", agentID: "b", sequences: 1...2)))
    }

    @Test func aTimeOutFallsBackToNormalPush() {
        var h = Self.waiting()
        h.write("c1")
        h.advance(by: 30_000)
        #expect(h.log.contains(.offerExpired(conversationID: "c1", agentID: "a")))
        #expect(h.openOffers["c1"]?.agentID == "b")
    }

    @Test func withoutAffinityNormalPushApplies() {
        var h = Self.waiting(affinity: false)
        h.setPresence("a", .away)
        h.write("c1")
        #expect(h.openOffers["c1"]?.agentID == "b")
        #expect(h.openOffers["c1"]?.kind == .push)
    }

    @Test func onlyANewMessageBringsItBack() {
        var h = Self.waiting()
        h.write("c1", sequence: 1)  // a repeat of the first message
        #expect(h.core.conversations["c1"]?.needsAgent == false)
        #expect(h.openOffers["c1"] == nil)
    }
}
