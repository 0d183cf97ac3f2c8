import Testing
@testable import SwitchboardCore

/// An offer carries the customer's first messages, and the accept is their receipt
/// (decisions §57): what presence reports the agent had is not forwarded again, and the
/// holder's first action confirms it; until then a returning presence gets them again.
@Suite struct OfferedMessagesTests {
    static func oneAgent() -> DistributionHarness {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a"])])
        h.agents([("a", .available, 1)])
        return h
    }

    static func forwarded(_ h: DistributionHarness, _ conversationID: String) -> [ClosedRange<UInt64>] {
        h.log.compactMap { action in
            if case .forwardMessages(conversationID, _, let sequences) = action { sequences } else { nil }
        }
    }

    @Test func theOfferCarriesTheMessagesReceivedWhenItIsMade() {
        var h = Self.oneAgent()
        h.arrive("c1")
        #expect(h.openOffers["c1"]?.messagesThrough == 1)
        #expect(h.core.conversations["c1"]?.pending?.messagesThrough == 1)
    }

    @Test func anAcceptWithTheCarriedMessagesForwardsOnlyTheLaterOnes() {
        var h = Self.oneAgent()
        h.arrive("c1")
        h.write("c1")  // 2 comes while the offer stands: not in it
        h.reply("c1", accept: true, messagesThrough: 1)
        #expect(Self.forwarded(h, "c1") == [2...2])
        #expect(h.core.conversations["c1"]?.carriedThrough == 1)
        #expect(h.core.conversations["c1"]?.forwardedThrough == 2)
    }

    @Test func theHoldersFirstActionConfirmsTheCarriedMessages() {
        var h = Self.oneAgent()
        h.arrive("c1")
        h.reply("c1", accept: true, messagesThrough: 1)
        #expect(h.core.conversations["c1"]?.acknowledgedThrough == 0)
        #expect(h.command("a", .wrapUp, "c1") == nil)
        #expect(h.core.conversations["c1"]?.acknowledgedThrough == 1)
        #expect(h.core.conversations["c1"]?.carriedThrough == nil)
        #expect(h.storedRecord("c1")?.carriedThrough == nil, "stored with the action's change")
        var returned = h.core.presenceReturned()
        #expect(returned.actions.isEmpty)
        // Refused actions confirm nothing: nothing of theirs is stored.
        var other = Self.oneAgent()
        other.arrive("c2")
        other.reply("c2", accept: true, messagesThrough: 1)
        #expect(other.command("a", .close, "c2") != nil, "Active → Closed is refused")
        #expect(other.core.conversations["c2"]?.carriedThrough == 1)
        returned = other.core.presenceReturned()
        #expect(returned.actions == [.forwardMessages(conversationID: "c2", agentID: "a", sequences: 1...1)])
    }

    @Test func aReturningPresenceGetsTheUnconfirmedCarriedMessagesAsMessages() {
        // Presence restarted between the accept and its offerReplied: the agent may not know
        // the conversation is theirs; messages say it.
        var h = Self.oneAgent()
        h.arrive("c1")
        h.write("c1")
        h.reply("c1", accept: true, messagesThrough: 1)
        let step = h.core.presenceReturned()
        #expect(step.actions == [.forwardMessages(conversationID: "c1", agentID: "a", sequences: 1...1)])
        #expect(step.changed.isEmpty)
        h.send(.messageAcknowledged(conversationID: "c1", sequence: 1))
        #expect(h.core.conversations["c1"]?.acknowledgedThrough == 1)
        #expect(h.core.conversations["c1"]?.carriedThrough == nil)
        #expect(h.core.presenceReturned().actions.isEmpty)
    }

    @Test func anAcceptFromAPresenceThatCarriedNothingForwardsEverything() {
        var h = Self.oneAgent()
        h.arrive("c1")
        h.write("c1")
        h.reply("c1", accept: true, messagesThrough: 0)
        #expect(Self.forwarded(h, "c1") == [1...2])
        #expect(h.core.conversations["c1"]?.carriedThrough == nil)
    }

    @Test func presenceCannotReportMoreThanTheOfferWasMadeWith() {
        var h = Self.oneAgent()
        h.arrive("c1")
        h.write("c1")
        h.reply("c1", accept: true, messagesThrough: 2)
        #expect(Self.forwarded(h, "c1") == [2...2], "the offer was made with message 1 only")
        #expect(h.core.conversations["c1"]?.carriedThrough == 1)
    }

    @Test func anOfferCarriesAtMostMaxOfferedMessages() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a"])])
        h.agents([("a", .away, 1)])
        h.arrive("c1")
        for _ in 2...20 { h.write("c1") }
        h.setPresence("a", .available)
        #expect(h.openOffers["c1"]?.messagesThrough == DistributionCore.maxOfferedMessages)
        h.reply("c1", accept: true, messagesThrough: DistributionCore.maxOfferedMessages)
        #expect(Self.forwarded(h, "c1") == [17...20])
    }

    @Test func theAgentWhoHeldItLastIsOfferedNoMessagesTheyHave() {
        var h = AffinityTests.waiting()
        h.write("c1")
        #expect(h.openOffers["c1"]?.kind == .affinity)
        #expect(h.openOffers["c1"]?.messagesThrough == 0)
        h.reply("c1", accept: false)
        // b never saw it: b's offer carries the whole customer side so far.
        #expect(h.openOffers["c1"]?.agentID == "b")
        #expect(h.openOffers["c1"]?.messagesThrough == 2)
    }

    @Test func aTransferOffersTheTargetTheMessages() {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b"])])
        h.agents([("a", .available, 1), ("b", .available, 1)])
        h.arrive("c1")
        h.reply("c1", accept: true, messagesThrough: 1)
        h.write("c1")
        #expect(h.command("a", .transferToAgent("b"), "c1") == nil)
        let offer = h.openOffers["c1"]
        #expect(offer?.kind == .transfer)
        #expect(offer?.messagesThrough == 2)
        h.reply("c1", accept: true, messagesThrough: 2)
        #expect(h.core.conversations["c1"]?.agentID == "b")
        #expect(!h.log.contains(.forwardMessages(conversationID: "c1", agentID: "b", sequences: 1...2)))
        #expect(h.core.conversations["c1"]?.carriedThrough == 2)
    }

    @Test func aRestartedDistributorMakesTheOfferWithTheSameMessages() {
        var h = Self.oneAgent()
        h.arrive("c1")
        h.write("c1")
        h.restart()
        #expect(h.storedRecord("c1")?.pending?.messagesThrough == 1)
        #expect(h.openOffers["c1"]?.messagesThrough == 1)
        h.reply("c1", accept: true, messagesThrough: 1)
        #expect(Self.forwarded(h, "c1").last == 2...2)
    }
}
