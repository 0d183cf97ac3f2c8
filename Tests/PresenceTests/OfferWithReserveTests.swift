import Foundation
import Testing
import Wire

@testable import Presence

/// A Reserve that carries its offer (decisions §26): presence makes the offer when it grants
/// and says so in `Grant.offered`; when it cannot, the Grant says no and makes nothing.
@Suite(.timeLimit(.minutes(1))) struct OfferWithReserveTests {
    let peer = DistributorPeer(bytes: [0xd1])
    let ids = MessageIDGenerator(prefix: 0xd3)

    func reserve(_ reason: ReserveReason = .push, expiresAtMs: Int64 = AgentTime.nowMs() + 60_000) -> Envelope {
        let offer = Offer(
            offerID: "c1#1", conversationID: "c1", agentID: "ada", queue: "billing", workStream: "retail-chat",
            expiresAtMs: expiresAtMs, kind: .push, reservationID: "c1#1")
        return Envelope(id: ids.next(), message: .reserve(Reserve(
            reservationID: "c1#1", agentID: "ada", conversationID: "c1", units: 1, reason: reason, queue: "billing",
            allowedPresences: reason == .push ? [.available] : [], offer: offer)))
    }

    static func grant(_ recorder: OutletRecorder) async -> Grant? {
        await recorder.sent.lazy.compactMap { if case .grant(let grant) = $0.message { grant } else { nil } }.first
    }

    @Test func aGrantedReserveMakesItsOfferToTheConnectedAgent() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        await harness.coordinator.handle(reserve(), from: peer)
        #expect(await Self.grant(harness.recorder)?.offered == true)
        var offered: String?
        for await item in session.outbound {
            if case .frame(.object(let fields)) = item, fields["type"] == "offer" {
                offered = if case .string(let id)? = fields["offerId"] { id } else { nil }
                break
            }
        }
        #expect(offered == "c1#1")
        // The Reserve again (the Grant was lost): granted again, the offer stands, not made twice.
        await harness.coordinator.handle(reserve(), from: peer)
        #expect(await harness.recorder.sent.compactMap { if case .grant(let grant) = $0.message { grant.offered } else { nil } } == [true, true])
    }

    /// The offer is what the conversation waits for (decisions §48): it is queued for the agent
    /// before the agent's own capacity update, and the Grant goes before the agent update.
    @Test func theOfferGoesOutBeforeTheCapacityUpdatesItCauses() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let sentBefore = await harness.recorder.order.count
        await harness.coordinator.handle(reserve(), from: peer)
        var usedShownBeforeTheOffer: [Int64] = []
        for await item in session.outbound {
            guard case .frame(.object(let fields)) = item else { continue }
            if fields["type"] == "offer" { break }
            if fields["type"] == "presence", case .object(let agent)? = fields["agent"], case .object(let capacity)? = agent["capacity"],
                case .integer(let used)? = capacity["used"]
            {
                usedShownBeforeTheOffer.append(used)
            }
        }
        #expect(!usedShownBeforeTheOffer.contains(1))
        let order = await harness.recorder.order.dropFirst(sentBefore).filter { $0 == .grant || $0 == .agentUpdate }
        #expect(order.first == .grant)
        #expect(order.contains(.agentUpdate))
    }

    @Test func withoutTheAgentsSessionTheGrantSaysTheOfferWasNotMade() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        await harness.coordinator.handle(reserve(.pick), from: peer)  // pick is granted to an agent not connected
        #expect(await Self.grant(harness.recorder)?.offered == false)
    }

    @Test func anOfferForAnotherAgentOrConversationThanTheReservationIsNotMade() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        guard case .reserve(var reserve) = reserve().message, var offer = reserve.offer else {
            Issue.record("not a Reserve with an offer")
            return
        }
        offer.conversationID = "c2"
        reserve.offer = offer
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .reserve(reserve)), from: peer)
        #expect(await Self.grant(harness.recorder)?.offered == false)
    }

    @Test func anOfferThatExpiredOnTheWayIsNotMade() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        await harness.coordinator.handle(reserve(expiresAtMs: AgentTime.nowMs() - 1), from: peer)
        #expect(await Self.grant(harness.recorder)?.offered == false)
    }
}
