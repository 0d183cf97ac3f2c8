import Foundation
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
    @Test func aDistributorReservesOffersAndSeesUpdatesOverSockets() async throws {
        let directory = PresenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let configuration = try PresenceFixture.configuration()
        let logger = Logger(label: "test.presence")
        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context, name: "presence-test")
        let tag = UUID().uuidString
        let requestEndpoint = "inproc://presence-requests-\(tag)"
        let updatesEndpoint = "inproc://presence-updates-\(tag)"
        let ids = MessageIDGenerator()
        let requests = RouterLink(name: "presence.requests", bindTo: requestEndpoint, loop: loop, ids: ids, logger: logger)
        let updates = PublisherLink(name: "presence.updates", bindTo: updatesEndpoint, loop: loop, ids: ids, heartbeatInterval: .milliseconds(200), logger: logger)
        let store = try ReservationStore.open(path: DataDirectory(path: directory.path, process: "presence").storePath("reservations"))
        let coordinator = try PresenceCoordinator(
            configuration: configuration, store: store,
            credentials: AgentCredentials(agents: configuration.agents, environment: PresenceFixture.secrets),
            outlets: PresenceLinks.outlets(requests: requests, updates: updates), ids: ids, logger: logger)
        let links = PresenceLinks(requests: requests, updates: updates, coordinator: coordinator, tickInterval: .milliseconds(200), logger: logger)
        let running = Task { try await links.run() }

        let subscriber = try await loop.makeSocket(.sub) { socket in
            try socket.subscribe(WireCodec.agentTopicPrefix)
            try socket.subscribe(WireCodec.heartbeatTopic)
            try socket.connect(updatesEndpoint)
        }
        let dealer = try await loop.makeSocket(.dealer) { socket in
            try socket.setRoutingID("distributor-1")
            try socket.connect(requestEndpoint)
        }
        try await Task.sleep(for: .milliseconds(300))  // PUB/SUB join before the first update

        let distributorIDs = MessageIDGenerator(prefix: 0xd1)
        func send(_ message: WireMessage) async throws -> MessageID {
            let envelope = Envelope(id: distributorIDs.next(), message: message)
            try await dealer.send(Multipart(try WireCodec.encode(envelope)))
            return envelope.id
        }
        var inbound = dealer.messages.makeAsyncIterator()
        func receive() async throws -> WireMessage {
            while true {
                guard let message = try await inbound.next() else { throw CancellationError() }
                let envelope = try WireCodec.decode(frames: message.frames)
                if case .heartbeat = envelope.message { continue }
                return envelope.message
            }
        }

        let session = await coordinator.openSession(agentID: "ada", presence: "available")

        let reserveID = try await send(.reserve(Reserve(reservationID: "r1", agentID: "ada", conversationID: "c1", units: 4, reason: .push, queue: "billing", allowedPresences: [.available])))
        guard case .grant(let grant) = try await receive() else { Issue.record("no grant"); return }
        #expect(grant.requestID == reserveID)
        #expect(grant.capacityUsed == 4)

        _ = try await send(.reserve(Reserve(reservationID: "r2", agentID: "ada", conversationID: "c2", units: 1, reason: .push, queue: "billing", allowedPresences: [.available, .busy, .busyDnd])))
        guard case .deny(let deny) = try await receive() else { Issue.record("no deny"); return }
        #expect(deny.reason == .noCapacity)

        let offerID = try await send(.offer(Offer(offerID: "o1", conversationID: "c1", agentID: "ada", queue: "billing", workStream: "custom-stream", expiresAtMs: 1_900_000_000_000, reservationID: "r1")))
        guard case .ack(let ack) = try await receive() else { Issue.record("no ack"); return }
        #expect(ack.ackedID == offerID)
        #expect(ack.outcome == .accepted)
        var frames = session.outbound.makeAsyncIterator()
        while let item = await frames.next() {
            if case .frame(let frame) = item, case .object(let fields) = frame, fields["type"] == "offer" { break }
        }
        try await coordinator.perform(.reply(offerID: "o1", .accept), agentID: "ada")
        guard case .offerReply(let reply) = try await receive() else { Issue.record("no offer reply"); return }
        #expect(reply.offerID == "o1")
        #expect(reply.decision == .accept)

        let snapshotID = try await send(.snapshotRequest(SnapshotRequest()))
        guard case .snapshotReply(let snapshot) = try await receive() else { Issue.record("no snapshot"); return }
        #expect(snapshot.requestID == snapshotID)
        #expect(snapshot.agents.first { $0.agentID == "ada" }?.capacityUsed == 4)

        var sequences: [UInt64] = []
        var heartbeatSeen = false
        var published = subscriber.messages.makeAsyncIterator()
        while sequences.count < 3 || !heartbeatSeen {
            guard let message = try await published.next() else { break }
            let envelope = try WireCodec.decodePublished(frames: message.frames)
            switch envelope.message {
            case .agentUpdate(let update): sequences.append(update.sequence)
            case .heartbeat(let beat):
                heartbeatSeen = true
                #expect(beat.lastSequence >= (sequences.last ?? 0))
            default: break
            }
        }
        #expect(sequences == Array(sequences.sorted()))
        #expect(Set(sequences).count == sequences.count)

        running.cancel()
        _ = try? await running.value
        await dealer.close()
        await subscriber.close()
        await loop.shutdown()
        try context.terminate()
    }
}
