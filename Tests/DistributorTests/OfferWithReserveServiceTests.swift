import Foundation
import Messaging
import SwitchboardCore
import SwitchboardTestSupport
import Testing
import Wire
import ZeroMQ

@testable import Distributor

extension DistributorServiceTests {
    /// The Reserve carries the offer; a Grant that says presence made it is followed by no
    /// Offer, and the agent's accept makes the conversation Active (decisions §26).
    @Test func aGrantThatMadeTheOfferIsFollowedByNoOfferAndTheAcceptAssigns() async throws {
        let dataDir = try TemporaryDirectory("distributor-offer-with-reserve")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let (distributor, run) = try await start(peers, loop: loop, dataDir: dataDir.path)
            let ada = AgentState(agentID: "ada", basePresence: .available, capacityTotal: 4, capacityUsed: 0, connected: true)
            try await register(peers, agents: [ada], sequence: 5)
            let deliver = Envelope(id: peers.ids.next(), message: DistributorFixture.deliver("c1", kind: .newConversation, sequence: 1, text: "hello"))
            try await peers.router.socket.send(Multipart([Array("distributor-1".utf8)] + WireCodec.encode(deliver)))
            #expect(try await deliverAck(peers, for: deliver.id) == .accepted)

            let reserve = try await peers.presence.receive("Reserve") { if case .reserve(let reserve) = $0 { reserve } else { nil } }
            let offer = try #require(reserve.value.offer, "the Reserve carries its offer")
            #expect(offer.agentID == "ada" && offer.conversationID == "c1" && offer.reservationID == reserve.value.reservationID)
            #expect(offer.expiresAtMs > Distributor.nowMs() + 50_000)  // vip: 60 s
            // ... and the customer's first message with it (decisions §57).
            #expect(offer.messages.map(\.sequence) == [1])
            #expect(offer.messages.map(\.message.text) == ["hello"])
            try await peers.presence.send(
                .grant(Grant(
                    requestID: reserve.envelope.id, reservationID: reserve.value.reservationID, agentID: "ada",
                    conversationID: "c1", units: 2, capacityTotal: 4, capacityUsed: 2, sequence: 6, offered: true)),
                to: reserve.peer, ids: peers.ids)
            let accept = Envelope(
                id: peers.ids.next(),
                message: .offerReply(OfferReply(offerID: offer.offerID, agentID: "ada", conversationID: "c1", decision: .accept, messagesThrough: 1)))
            try await peers.presence.socket.send(Multipart([reserve.peer] + WireCodec.encode(accept)))
            var sawOffer = false
            var answer: AckOutcome?
            while answer == nil {
                switch try await peers.presence.receive("Ack of the accept").envelope.message {
                case .offer: sawOffer = true
                case .ack(let ack) where ack.ackedID == accept.id: answer = ack.outcome
                default: break
                }
            }
            #expect(!sawOffer, "presence made the offer; no Offer message follows")
            #expect(answer == .accepted)
            #expect(await distributor.conversation("c1")?.state == .active)
            #expect(await distributor.conversation("c1")?.carriedThrough == 1, "handed over with the offer: not forwarded again")

            // A first message above the offer's text budget is not carried: it follows the accept.
            let long = String(repeating: "x", count: Distributor.offeredMessageBytes + 1)
            let second = Envelope(id: peers.ids.next(), message: DistributorFixture.deliver("c2", kind: .newConversation, sequence: 1, text: long))
            try await peers.router.socket.send(Multipart([Array("distributor-1".utf8)] + WireCodec.encode(second)))
            let reserveOfC2 = try await peers.presence.receive("Reserve of c2") { message -> Reserve? in
                if case .reserve(let reserve) = message, reserve.conversationID == "c2" { reserve } else { nil }
            }
            #expect(reserveOfC2.value.offer?.messages.isEmpty == true)
            // The core's bound is the wire's, so an offer it makes always encodes.
            #expect(DistributionCore.maxOfferedMessages == UInt64(Offer.maxMessages))
            run.cancel()
            try await withTimeout(.seconds(5), "the run stops") { try await run.value }
        }
    }
}

extension DistributorServiceTests {
    /// The offer timer is armed for the earliest deadline and re-armed only for an earlier
    /// one. When the earliest offer is answered, the timer fires early, finds nothing due and
    /// arms for the next: the later offer still expires on time.
    @Test func aLaterOfferStillExpiresAfterTheEarliestWasAnswered() async throws {
        let dataDir = try TemporaryDirectory("distributor-timer-rearm")
        defer { dataDir.remove() }
        // 3 s: the accept of the first offer must come before its deadline also when a parallel
        // test run starves this one (with 1 s it sometimes did not, and the first expired).
        let configuration = try DistributorFixture.configuration([("offerTimeout: 60s", "offerTimeout: 3s")])
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path, configuration: configuration)
            let ada = AgentState(agentID: "ada", basePresence: .available, capacityTotal: 4, lastAssignmentAtMs: 1)
            let grace = AgentState(agentID: "grace", basePresence: .available, capacityTotal: 4, lastAssignmentAtMs: 2)
            try await register(peers, agents: [ada, grace], sequence: 3)

            func offered(_ conversation: String, sequence: UInt64) async throws -> (Reserve, [UInt8]) {
                let deliver = Envelope(id: peers.ids.next(), message: DistributorFixture.deliver(conversation, kind: .newConversation, sequence: 1, text: "hi"))
                try await peers.router.socket.send(Multipart([Array("distributor-1".utf8)] + WireCodec.encode(deliver)))
                #expect(try await deliverAck(peers, for: deliver.id) == .accepted)
                let reserve = try await peers.presence.receive("Reserve for \(conversation)") {
                    if case .reserve(let reserve) = $0, reserve.conversationID == conversation { reserve } else { nil }
                }
                try await peers.presence.send(
                    .grant(Grant(requestID: reserve.envelope.id, reservationID: reserve.value.reservationID, agentID: reserve.value.agentID,
                        conversationID: conversation, units: 2, sequence: sequence, offered: true)),
                    to: reserve.peer, ids: peers.ids)
                return (reserve.value, reserve.peer)
            }
            let (first, presencePeer) = try await offered("c1", sequence: 4)
            try await Task.sleep(for: .milliseconds(300))
            let (second, _) = try await offered("c2", sequence: 5)
            let secondStarted = ContinuousClock.now

            // The earliest offer is accepted before its deadline.
            let accept = Envelope(id: peers.ids.next(), message: .offerReply(OfferReply(
                offerID: try #require(first.offer).offerID, agentID: first.agentID, conversationID: "c1", decision: .accept)))
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(accept)))

            let withdrawn = try await peers.presence.receive("c2's offer withdrawn", within: .seconds(12)) {
                if case .offerWithdrawn(let withdrawn) = $0 { withdrawn } else { nil }
            }
            #expect(withdrawn.value.offerID == second.offer?.offerID)
            #expect(withdrawn.value.reason == .expired)
            #expect(ContinuousClock.now - secondStarted < .seconds(9))
            run.cancel()
            try await withTimeout(.seconds(5), "the run stops") { try await run.value }
        }
    }
}

extension DistributorServiceTests {
    /// A Grant's change waits for the record's next stored step (decisions §26): no commit of
    /// its own. A restart that lost it sends the Reserve with its offer again, and the offer,
    /// granted again, is accepted as if nothing had happened.
    @Test func aGrantIsNotCommittedAloneAndARestartThatLostItAsksAgain() async throws {
        let dataDir = try TemporaryDirectory("distributor-deferred-grant")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let ada = AgentState(agentID: "ada", basePresence: .available, capacityTotal: 4, capacityUsed: 0, connected: true)
            let (distributor, run) = try await start(peers, loop: loop, dataDir: dataDir.path)
            try await register(peers, agents: [ada], sequence: 5)
            let deliver = Envelope(id: peers.ids.next(), message: DistributorFixture.deliver("c1", kind: .newConversation, sequence: 1, text: "hello"))
            try await peers.router.socket.send(Multipart([Array("distributor-1".utf8)] + WireCodec.encode(deliver)))
            #expect(try await deliverAck(peers, for: deliver.id) == .accepted)
            let reserve = try await peers.presence.receive("Reserve") { if case .reserve(let reserve) = $0 { reserve } else { nil } }
            let transactions = await distributor.store.transactionCount
            try await peers.presence.send(
                .grant(Grant(
                    requestID: reserve.envelope.id, reservationID: reserve.value.reservationID, agentID: "ada",
                    conversationID: "c1", units: 2, capacityTotal: 4, capacityUsed: 2, sequence: 6, offered: true)),
                to: reserve.peer, ids: peers.ids)
            try await withTimeout(.seconds(5), "the Grant handled") {
                while await distributor.conversation("c1")?.pending?.stage != .offered { try await Task.sleep(for: .milliseconds(10)) }
            }
            let after = await distributor.store.transactionCount
            #expect(after == transactions, "the Grant alone commits nothing")
            run.cancel()
            try await withTimeout(.seconds(5), "the first run stops") { try await run.value }

            let (again, second) = try await start(peers, loop: loop, dataDir: dataDir.path)
            try await register(peers, agents: [ada], sequence: 6)
            let resent = try await peers.presence.receive("the Reserve again") { if case .reserve(let reserve) = $0 { reserve } else { nil } }
            #expect(resent.value.reservationID == reserve.value.reservationID)
            #expect(resent.value.offer == reserve.value.offer, "with its offer, as first sent")
            try await peers.presence.send(
                .grant(Grant(
                    requestID: resent.envelope.id, reservationID: resent.value.reservationID, agentID: "ada",
                    conversationID: "c1", units: 2, capacityTotal: 4, capacityUsed: 2, sequence: 6, offered: true)),
                to: resent.peer, ids: peers.ids)
            let accept = Envelope(id: peers.ids.next(), message: .offerReply(OfferReply(
                offerID: try #require(resent.value.offer).offerID, agentID: "ada", conversationID: "c1", decision: .accept)))
            try await peers.presence.socket.send(Multipart([resent.peer] + WireCodec.encode(accept)))
            let answer = try await peers.presence.receive("Ack of the accept") {
                if case .ack(let ack) = $0, ack.ackedID == accept.id { ack.outcome } else { nil }
            }
            #expect(answer.value == .accepted)
            #expect(await again.conversation("c1")?.state == .active)
            second.cancel()
            try await withTimeout(.seconds(5), "the second run stops") { try await second.value }
        }
    }
}
