import Testing
@testable import SwitchboardCore

/// D6: used capacity is the units of Active conversations, and of WrapUp ones as
/// `wrapUpCapacity` says; freeing it retries assignment.
@Suite struct CapacityTests {
    /// c1 Active for a (capacity 1), c2 waiting behind it.
    static func busy(wrapUp: WrapUpCapacity) -> DistributionHarness {
        var h = DistributionHarness(
            queues: [DistributionHarness.queue(agents: ["a"])], workStreams: [DistributionHarness.chat(wrapUp: wrapUp)])
        h.agents([("a", .available, 1)])
        h.arrive("c1")
        h.reply("c1", accept: true)
        h.arrive("c2")
        #expect(h.offeredConversations == ["c1"])
        return h
    }

    @Test func wrapUpAlwaysHoldsTheCapacityUntilClosed() {
        var h = Self.busy(wrapUp: .always)
        #expect(h.command("a", .wrapUp, "c1") == nil)
        #expect(h.presence["a"]?.capacityUsed == 1)
        #expect(h.offeredConversations == ["c1"])
        #expect(h.command("a", .close, "c1") == nil)
        #expect(h.offeredConversations == ["c1", "c2"], "capacity freed: assignment tried again")
    }

    @Test func wrapUpNeverGivesTheCapacityBackAtOnce() {
        var h = Self.busy(wrapUp: .never)
        #expect(h.command("a", .wrapUp, "c1") == nil)
        #expect(h.log.contains { if case .release(let r, "c1") = $0 { r.id == "c1#1" } else { false } })
        #expect(h.core.conversations["c1"]?.held == nil)
        #expect(h.offeredConversations == ["c1", "c2"])
    }

    @Test func wrapUpForADurationGivesItBackWhenTheTimerFires() {
        var h = Self.busy(wrapUp: .duration(.seconds(90)))
        let start = h.nowMs
        #expect(h.command("a", .wrapUp, "c1") == nil)
        #expect(h.core.conversations["c1"]?.capacityReleaseAtMs == start + 90_000)
        #expect(h.core.nextDeadline == start + 90_000)
        h.advance(to: start + 89_999)
        #expect(h.presence["a"]?.capacityUsed == 1)
        h.advance(to: start + 90_000)
        #expect(h.presence["a"]?.capacityUsed == 1, "c2 took the freed unit")
        #expect(h.core.conversations["c1"]?.state == .wrapUp, "still in wrap-up until the agent closes it")
        #expect(h.core.conversations["c1"]?.held == nil)
        #expect(h.offeredConversations == ["c1", "c2"])
        // Closing later gives nothing back twice.
        let releases = h.log.filter { if case .release = $0 { true } else { false } }.count
        #expect(h.command("a", .close, "c1") == nil)
        #expect(h.log.filter { if case .release = $0 { true } else { false } }.count == releases)
    }

    @Test func theWrapUpTimerSurvivesARestart() {
        var h = Self.busy(wrapUp: .duration(.seconds(90)))
        let start = h.nowMs
        #expect(h.command("a", .wrapUp, "c1") == nil)
        h.restart()
        #expect(h.core.nextDeadline == start + 90_000)
        h.advance(to: start + 90_000)
        #expect(h.core.conversations["c1"]?.held == nil)
        #expect(h.offeredConversations.last == "c2")
    }

    @Test func holdAndReleaseGiveTheCapacityBack() {
        var h = Self.busy(wrapUp: .always)
        #expect(h.command("a", .hold, "c1") == nil)
        #expect(h.presence["a"]?.capacityUsed == 1, "c2 took the freed unit")
        #expect(h.offeredConversations == ["c1", "c2"])
    }

    @Test func capacityFreedByPresenceRetriesAssignment() {
        var h = Self.busy(wrapUp: .always)
        h.presence["a"]?.capacityTotal = 2
        h.publish("a")
        #expect(h.offeredConversations == ["c1", "c2"])
    }

    @Test func anUnacknowledgedReleaseIsSentAgainAfterARestart() {
        var h = Self.busy(wrapUp: .never)
        // The distributor dies after storing the wrap-up, before sending its Release.
        let step = h.core.apply(DistributionCommand(agentID: "a", conversationID: "c1", kind: .wrapUp), nowMs: h.nowMs)
        guard case .success(let wrapUp) = step else {
            Issue.record("wrap-up refused")
            return
        }
        h.store(wrapUp)
        #expect(h.storedRecord("c1")?.releasing.map(\.id) == ["c1#1"])
        h.restart()
        #expect(h.held["c1#1"] == nil, "released after the restart")
        #expect(h.core.conversations["c1"]?.releasing == [], "acknowledged")
        #expect(h.offeredConversations.last == "c2")
    }
}
