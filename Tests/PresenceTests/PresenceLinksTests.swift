import Foundation
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import Logging
import Messaging
import Storage
import Testing
import Wire
import ZeroMQ

@testable import Presence

/// The presence services over real ZeroMQ sockets: a test DEALER plays a distributor,
/// a test SUB receives the published updates (wire.md 5.4–5.6).
@Suite(.timeLimit(.minutes(1))) struct PresenceLinksTests {
    /// Presence's links running on inproc endpoints, a distributor DEALER and an updates SUB.
    final class Rig: @unchecked Sendable {  // used from one test task only
        let directory = PresenceFixture.temporaryDirectory()
        let context: ZeroMQContext
        let loop: ZeroMQEventLoop
        let coordinator: PresenceCoordinator
        let running: Task<Void, any Error>
        let dealer: AsyncSocket
        let subscriber: AsyncSocket
        let distributorIDs = MessageIDGenerator(prefix: 0xd1)
        var inbound: AsyncSocket.Messages.Iterator
        var published: AsyncSocket.Messages.Iterator

        init() async throws {
            let configuration = try PresenceFixture.configuration()
            let logger = Logger(label: "test.presence")
            context = try ZeroMQContext()
            loop = try ZeroMQEventLoop(context: context, name: "presence-test")
            let tag = UUID().uuidString
            let requestEndpoint = "inproc://presence-requests-\(tag)"
            let updatesEndpoint = "inproc://presence-updates-\(tag)"
            let ids = MessageIDGenerator()
            let requests = RouterLink(name: "presence.requests", bindTo: requestEndpoint, loop: loop, ids: ids, logger: logger)
            let updates = PublisherLink(
                name: "presence.updates", bindTo: updatesEndpoint, loop: loop, ids: ids, heartbeatInterval: .milliseconds(200), logger: logger)
            let store = try ReservationStore.open(path: DataDirectory(path: directory.path, process: "presence").storePath("reservations"))
            coordinator = try PresenceCoordinator(
                configuration: configuration, store: store,
                credentials: AgentCredentials(agents: configuration.agents, environment: PresenceFixture.secrets),
                outlets: PresenceLinks.outlets(requests: requests, updates: updates), ids: ids, logger: logger, loop: loop)
            let links = PresenceLinks(requests: requests, updates: updates, coordinator: coordinator, tickInterval: .milliseconds(200), logger: logger)
            try await links.start()  // bound before the test sockets connect
            running = Task { try await links.run() }
            subscriber = try await loop.makeSocket(.sub) { socket in
                try socket.subscribe(WireCodec.agentTopicPrefix)
                try socket.subscribe(WireCodec.heartbeatTopic)
                try socket.connect(updatesEndpoint)
            }
            dealer = try await loop.makeSocket(.dealer) { socket in
                try socket.setRoutingID("distributor-1")
                try socket.connect(requestEndpoint)
            }
            inbound = dealer.messages.makeAsyncIterator()
            published = subscriber.messages.makeAsyncIterator()
            try await Task.sleep(for: .milliseconds(300))  // PUB/SUB join before the first update
        }

        @discardableResult
        func send(_ message: WireMessage) async throws -> MessageID {
            let envelope = Envelope(id: distributorIDs.next(), message: message)
            try await dealer.send(Multipart(try WireCodec.encode(envelope)))
            return envelope.id
        }

        /// The next non-heartbeat message to the distributor.
        func receive() async throws -> Envelope {
            while true {
                guard let message = try await inbound.next() else { throw CancellationError() }
                let envelope = try WireCodec.decode(frames: message.frames)
                if case .heartbeat = envelope.message { continue }
                return envelope
            }
        }

        func shutDown() async {
            running.cancel()
            _ = try? await running.value
            await dealer.close()
            await subscriber.close()
            await loop.shutdown()
            try? context.terminate()
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test func aDistributorReservesOffersAndSeesUpdatesOverSockets() async throws {
        let rig = try await Rig()
        let session = await rig.coordinator.openSession(agentID: "ada", presence: "available")

        let reserveID = try await rig.send(
            .reserve(Reserve(reservationID: "r1", agentID: "ada", conversationID: "c1", units: 4, reason: .push, queue: "billing", allowedPresences: [.available])))
        guard case .grant(let grant) = try await rig.receive().message else { Issue.record("no grant"); return await rig.shutDown() }
        #expect(grant.requestID == reserveID)
        #expect(grant.capacityUsed == 4)

        try await rig.send(
            .reserve(Reserve(reservationID: "r2", agentID: "ada", conversationID: "c2", units: 1, reason: .push, queue: "billing", allowedPresences: [.available, .busy, .busyDnd])))
        guard case .deny(let deny) = try await rig.receive().message else { Issue.record("no deny"); return await rig.shutDown() }
        #expect(deny.reason == .noCapacity)

        let offerID = try await rig.send(
            .offer(Offer(offerID: "o1", conversationID: "c1", agentID: "ada", queue: "billing", workStream: "custom-stream", expiresAtMs: 1_900_000_000_000, reservationID: "r1")))
        guard case .ack(let ack) = try await rig.receive().message else { Issue.record("no ack"); return await rig.shutDown() }
        #expect(ack.ackedID == offerID)
        #expect(ack.outcome == .accepted)
        var frames = session.outbound.makeAsyncIterator()
        while let item = await frames.next() {
            if case .frame(.object(let fields)) = item, fields["type"] == "offer" { break }
        }
        try await rig.coordinator.perform(.reply(offerID: "o1", .accept), agentID: "ada")
        guard case .offerReply(let reply) = try await rig.receive().message else { Issue.record("no offer reply"); return await rig.shutDown() }
        #expect(reply.offerID == "o1")
        #expect(reply.decision == .accept)

        let snapshotID = try await rig.send(.snapshotRequest(SnapshotRequest()))
        guard case .snapshotReply(let snapshot) = try await rig.receive().message else { Issue.record("no snapshot"); return await rig.shutDown() }
        #expect(snapshot.requestID == snapshotID)
        #expect(snapshot.agents.first { $0.agentID == "ada" }?.capacityUsed == 4)

        var sequences: [UInt64] = []
        var heartbeatSeen = false
        while sequences.count < 3 || !heartbeatSeen {
            guard let message = try await rig.published.next() else { break }
            let envelope = try WireCodec.decodePublished(frames: message.frames)
            switch envelope.message {
            case .agentUpdate(let update): sequences.append(update.sequence)
            case .heartbeat(let beat):
                heartbeatSeen = true
                #expect(beat.lastSequence >= (sequences.last ?? 0))
            default: break
            }
        }
        #expect(sequences.count >= 3)
        #expect(zip(sequences, sequences.dropFirst()).allSatisfy { $0 < $1 })
        await rig.shutDown()
    }

    @Test func anAgentOnTheWebSocketAcceptsAnOfferFromADistributorSocket() async throws {
        let rig = try await Rig()
        let app = PresenceHarness.application(coordinator: rig.coordinator)
        _ = try await app.test(.live) { client in
            _ = try await client.ws("/agent/ws") { inbound, outbound, _ in
                var frames = FrameReader(inbound)
                try await outbound.send(#"{"type":"hello","agentId":"ada","secret":"ada-secret","presence":"available"}"#)
                _ = try await frames.next(type: "welcome")
                let offerID = try await rig.send(
                    .offer(Offer(offerID: "o7", conversationID: "c7", agentID: "ada", queue: "billing", workStream: "custom-stream", expiresAtMs: 1_900_000_000_000)))
                guard case .ack(let ack) = try await rig.receive().message else { Issue.record("no ack"); return }
                #expect(ack.ackedID == offerID)
                let offer = try await frames.next(type: "offer")
                #expect(offer?["offerId"] as? String == "o7")
                try await outbound.send(#"{"type":"accept","offerId":"o7"}"#)
                let reply = try await rig.receive()
                guard case .offerReply(let body) = reply.message else { Issue.record("no offer reply"); return }
                #expect(body.decision == .accept)
                #expect(body.agentID == "ada")
                try await rig.send(.ack(Ack(ackedID: reply.id, outcome: .accepted)))
                let replied = try await frames.next(type: "offerReplied")
                #expect(replied?["outcome"] as? String == "accepted")
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
        await rig.shutDown()
    }
}
