import Testing

@testable import SwitchboardCore

/// A Reserve carries its offer, and presence makes it when it grants (decisions §26): a Grant
/// that says so needs no Offer after it; one that does not is followed by the Offer as before.
@Suite struct OfferWithReserveTests {
    private static let timeoutMs: Int64 = 60_000

    private func arrived(at nowMs: Int64) -> (DistributionCore, ReserveRequest) {
        var core = DistributionCore(queues: [DistributionHarness.queue(agents: ["a"])], workStreams: [DistributionHarness.chat()])
        _ = core.handle(.agentsSnapshot([AgentStatus(agentID: "a", basePresence: .available, capacityTotal: 2, capacityUsed: 0)]), nowMs: nowMs)
        let step = core.handle(.conversationArrived(conversationID: "c1", queue: "q", workStream: "chat", sequence: 1), nowMs: nowMs)
        let reserves = step.actions.compactMap { if case .reserve(let request) = $0 { request } else { nil } }
        return (core, reserves[0])
    }

    @Test func theReserveCarriesTheOfferWithItsExpiry() {
        let (_, reserve) = arrived(at: 1_000)
        #expect(reserve.offer?.offerID == reserve.reservation.id)
        #expect(reserve.offer?.agentID == "a")
        #expect(reserve.offer?.expiresAtMs == 1_000 + Self.timeoutMs)
        #expect(reserve.offer?.reservationID == reserve.reservation.id)
    }

    @Test func aGrantThatMadeTheOfferSendsNoOfferAndKeepsTheExpiryTheAgentWasShown() {
        var (core, reserve) = arrived(at: 1_000)
        let step = core.handle(
            .reservationGranted(reservationID: reserve.reservation.id, sequence: 1, agentID: "a", units: 1, offered: true), nowMs: 1_040)
        #expect(!step.actions.contains { if case .sendOffer = $0 { true } else { false } })
        #expect(core.conversations["c1"]?.pending?.stage == .offered)
        #expect(core.conversations["c1"]?.pending?.expiresAtMs == 1_000 + Self.timeoutMs)
        #expect(step.changed.first?.pending?.stage == .offered, "the offered stage is stored")
        // The offer times out when the agent was told it would.
        let expired = core.handle(.clockAdvanced, nowMs: 1_000 + Self.timeoutMs)
        #expect(expired.actions.contains { if case .withdrawOffer = $0 { true } else { false } })
    }

    @Test func aGrantWithoutTheOfferIsFollowedByTheOfferTimedFromTheGrant() {
        var (core, reserve) = arrived(at: 1_000)
        let step = core.handle(
            .reservationGranted(reservationID: reserve.reservation.id, sequence: 1, agentID: "a", units: 1, offered: false), nowMs: 1_040)
        let offers = step.actions.compactMap { if case .sendOffer(let offer) = $0 { offer } else { nil } }
        #expect(offers.map(\.offerID) == [reserve.reservation.id])
        #expect(offers.first?.expiresAtMs == 1_040 + Self.timeoutMs)
    }

    /// Presence granted and made the offer, but the Grant was lost with a restart of ours;
    /// the agent's accept comes first. It proves the grant: the conversation is assigned, and
    /// the Grant of the resent Reserve only fills in the grant's sequence.
    @Test func anAcceptBeforeTheGrantALostGrantAssigns() {
        let (core, reserve) = arrived(at: 1_000)
        guard let record = core.conversations["c1"] else {
            Issue.record("no record")
            return
        }
        var restarted = DistributionCore(queues: [DistributionHarness.queue(agents: ["a"])], workStreams: [DistributionHarness.chat()])
        _ = restarted.restore([record])
        let id = reserve.reservation.id
        let step = restarted.handle(.offerReplied(offerID: id, agentID: "a", accepted: true), nowMs: 1_100)
        #expect(step.actions.contains(.answerOfferReply(offerID: id, stands: true)))
        #expect(restarted.conversations["c1"]?.state == .active)
        #expect(restarted.conversations["c1"]?.held?.id == id)
        #expect(restarted.conversations["c1"]?.held?.grantSequence == nil)
        _ = restarted.handle(.reservationGranted(reservationID: id, sequence: 9, agentID: "a", units: 1, offered: true), nowMs: 1_200)
        #expect(restarted.conversations["c1"]?.held?.grantSequence == 9)
        #expect(restarted.conversations["c1"]?.state == .active)
    }

    @Test func aRestartResendsTheReserveWithItsOffer() {
        let (core, reserve) = arrived(at: 1_000)
        guard let record = core.conversations["c1"] else {
            Issue.record("no record")
            return
        }
        var restarted = DistributionCore(queues: [DistributionHarness.queue(agents: ["a"])], workStreams: [DistributionHarness.chat()])
        let step = restarted.restore([record])
        let reserves = step.actions.compactMap { if case .reserve(let request) = $0 { request } else { nil } }
        #expect(reserves.first?.offer == reserve.offer)
    }
}
