import Testing
@testable import SwitchboardCore

/// Durable timers: auto-close after inactivity (W1), offer expiry with Q1 onMissedOffer,
/// and all of them after a restart.
@Suite struct TimerTests {
    static let hour: Int64 = 3_600_000

    static func harness(onMissedOffer: MissedOfferAction = .keep) -> DistributionHarness {
        var h = DistributionHarness(
            queues: [DistributionHarness.queue(agents: ["a", "b"], timeout: .seconds(30), onMissedOffer: onMissedOffer)],
            workStreams: [DistributionHarness.sms(autoClose: .seconds(3600)), DistributionHarness.chat()])
        h.agents([("a", .available, 1), ("b", .away, 1)])
        return h
    }

    @Test func aWaitingConversationClosesAfterInactivity() {
        var h = Self.harness()
        h.arrive("c1", stream: "sms")
        h.reply("c1", accept: true)
        #expect(h.core.conversations["c1"]?.autoCloseAtMs == nil, "Active never auto-closes")
        #expect(h.command("a", .hold, "c1") == nil)
        let held = h.nowMs
        #expect(h.core.nextDeadline == held + Self.hour)
        h.advance(to: held + Self.hour - 1)
        #expect(h.core.conversations["c1"]?.state == .waiting)
        h.advance(to: held + Self.hour)
        #expect(h.core.conversations["c1"] == nil)
        #expect(h.log.contains(.stateChanged(conversationID: "c1", from: .waiting, to: .closed, agentID: "a")))
        #expect(h.closed == ["c1"])
    }

    @Test func aCustomerMessageRestartsTheInactivityClock() {
        var h = Self.harness()
        h.setPresence("a", .away)
        h.arrive("c1", stream: "sms")
        let arrived = h.nowMs
        #expect(h.core.conversations["c1"]?.autoCloseAtMs == arrived + Self.hour, "Open async conversations auto-close too (D5)")
        h.advance(to: arrived + Self.hour / 2)
        h.write("c1")
        h.advance(to: arrived + Self.hour)
        #expect(h.core.conversations["c1"]?.state == .open)
        h.advance(to: arrived + Self.hour / 2 + Self.hour)
        #expect(h.core.conversations["c1"] == nil)
    }

    @Test func liveChatNeverAutoCloses() {
        var h = Self.harness()
        h.setPresence("a", .away)
        h.arrive("c1", stream: "chat")
        #expect(h.core.conversations["c1"]?.autoCloseAtMs == nil)
        #expect(h.core.nextDeadline == nil)
    }

    @Test func aMissedOfferSetsTheAgentAwayWhereTheQueueSaysSo() {
        var away = Self.harness(onMissedOffer: .away)
        away.arrive("c1", stream: "chat")
        away.advance(by: 30_000)
        #expect(away.log.contains(.setAgentAway(agentID: "a")))
        #expect(away.presence["a"]?.basePresence == .away)

        var keep = Self.harness(onMissedOffer: .keep)
        keep.arrive("c1", stream: "chat")
        keep.advance(by: 30_000)
        #expect(!keep.log.contains(.setAgentAway(agentID: "a")))
        #expect(keep.openOffers["c1"]?.agentID == "a", "offered again: a is the only eligible agent")
    }

    @Test func deadlinesFireAfterARestart() {
        var h = Self.harness()
        h.arrive("waiting", stream: "sms")
        h.reply("waiting", accept: true)
        #expect(h.command("a", .hold, "waiting") == nil)
        let held = h.nowMs
        h.arrive("offered", stream: "chat")
        let offer = h.openOffers["offered"]
        #expect(offer?.expiresAtMs == held + 30_000)

        h.restart()
        #expect(h.core.nextDeadline == held + 30_000)
        #expect(h.log.filter { if case .sendOffer(let o) = $0 { o == offer } else { false } }.count == 2, "offer sent again")
        h.advance(to: held + 30_000)
        #expect(h.log.contains(.offerExpired(conversationID: "offered", agentID: "a")))
        h.restart()
        #expect(h.core.nextDeadline == h.core.conversations.values.compactMap(\.earliestDeadline).min())
        h.advance(to: held + Self.hour)
        #expect(h.core.conversations["waiting"] == nil, "auto-closed after two restarts")
    }
}
