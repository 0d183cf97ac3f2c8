import Foundation
import Testing
import Wire

@testable import Presence

/// Q1 `onMissedOffer`: an offer that times out in a queue with `away` sets the agent away;
/// `keep` queues, and offers withdrawn for other reasons, leave the presence alone.
@Suite(.timeLimit(.minutes(1))) struct MissedOfferTests {
    let peer = DistributorPeer(bytes: [0xd1])
    let ids = MessageIDGenerator(prefix: 0xd2)

    func offer(_ id: String, queue: String) -> Envelope {
        Envelope(id: ids.next(), message: .offer(Offer(
            offerID: id, conversationID: "c-\(id)", agentID: "ada", queue: queue, workStream: "retail-chat", expiresAtMs: 1)))
    }

    func withdraw(_ id: String, _ reason: WithdrawReason) -> Envelope {
        Envelope(id: ids.next(), message: .offerWithdrawn(OfferWithdrawn(offerID: id, agentID: "ada", conversationID: "c-\(id)", reason: reason)))
    }

    @Test(arguments: [
        ("billing", WithdrawReason.expired, "away"),      // billing: onMissedOffer away
        ("vip", WithdrawReason.expired, "available"),     // vip: keep
        ("billing", WithdrawReason.taken, "available"),   // not a missed offer
    ])
    func aTimedOutOfferSetsTheAgentAwayOnlyWhereTheQueueSaysSo(_ queue: String, _ reason: WithdrawReason, _ expected: String) async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        await harness.coordinator.handle(offer("o1", queue: queue), from: peer)
        await harness.coordinator.handle(withdraw("o1", reason), from: peer)
        #expect(await harness.coordinator.state(of: "ada")?.chosenPresence == expected)
        _ = session
    }
}
