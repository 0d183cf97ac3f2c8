import Foundation
import Messaging
import Storage
import SwitchboardCore
import SwitchboardTestSupport
import Testing
import Wire
import ZeroMQ

@testable import Distributor

/// The distributor's services against real sockets: a fake router and a fake presence.
@Suite struct DistributorServiceTests {
    /// Slow heartbeats: the fake peers do not beat, and must not look dead during a test.
    static let quietLinks = LinkSettings(heartbeatInterval: .seconds(10))

    struct Peers: Sendable {
        let router: FakeRouterPeer
        let presence: FakeRouterPeer
        let publisher: FakePublisher
        let ids = MessageIDGenerator()

        /// A fresh router, presence and publisher on loopback.
        static func bind(_ loop: ZeroMQEventLoop) async throws -> Peers {
            Peers(router: try await FakeRouterPeer.bind(loop), presence: try await FakeRouterPeer.bind(loop), publisher: try await FakePublisher.bind(loop))
        }
    }

    func start(
        _ peers: Peers, loop: ZeroMQEventLoop, dataDir: String, configuration: SwitchboardConfiguration? = nil,
        linkSettings: LinkSettings = Self.quietLinks
    ) async throws -> (Distributor, Task<Void, any Error>) {
        let configuration = try configuration ?? DistributorFixture.configuration()
        let settings = try DistributorSettings.resolve(
            configuration: configuration, name: "distributor-1", routerEndpoint: peers.router.endpoint,
            presenceEndpoint: peers.presence.endpoint, updatesEndpoint: peers.publisher.endpoint, http: "127.0.0.1:0")
        let directory = try DataDirectory(path: dataDir, process: settings.name)
        let store = try QueueStateStore(path: directory.storePath(QueueStateStore.fileName))
        let distributor = Distributor(
            settings: settings, configuration: configuration, store: store, loop: loop, ids: MessageIDGenerator(),
            linkSettings: linkSettings, logger: DistributorFixture.logger)
        let task = Task { try await distributor.run() }
        return (distributor, task)
    }

    /// Ready → ReadyAccepted, SnapshotRequest → SnapshotReply(agents).
    func register(_ peers: Peers, agents: [AgentState], sequence: UInt64) async throws {
        let ready = try await peers.router.receive("Ready") { if case .ready(let ready) = $0 { ready } else { nil } }
        #expect(ready.value.distributor == "distributor-1")
        #expect(ready.value.queues == ["vip", "billing"])
        #expect(!ready.value.instanceID.isEmpty)
        try await peers.router.send(
            .readyAccepted(ReadyAccepted(readyID: ready.envelope.id, queues: ready.value.queues)), to: ready.peer, ids: peers.ids)
        let request = try await peers.presence.receive("SnapshotRequest") { if case .snapshotRequest = $0 { true } else { nil } }
        try await peers.presence.send(
            .snapshotReply(SnapshotReply(requestID: request.envelope.id, sequence: sequence, agents: agents)),
            to: request.peer, ids: peers.ids)
    }

    func deliverAck(_ peers: Peers, for id: MessageID) async throws -> AckOutcome {
        try await peers.router.receive("DeliverAck") {
            if case .deliverAck(let ack) = $0, ack.ackedID == id { ack.outcome } else { nil }
        }.value
    }

    func conversationMessage(_ peers: Peers, sequence: UInt64) async throws -> (peer: [UInt8], envelope: Envelope, value: ConversationMessage) {
        try await peers.presence.receive("ConversationMessage \(sequence)") {
            if case .conversationMessage(let message) = $0, message.sequence == sequence { message } else { nil }
        }
    }

    /// Ada's wrap-up and close of `c1`, as presence relays them (answers not waited for).
    func wrapUpAndCloseAsAda(_ peers: Peers, presencePeer: [UInt8]) async throws {
        for (id, kind) in [("w1", AgentAction.Kind.wrapUp), ("c1-close", .close)] {
            let action = Envelope(id: peers.ids.next(), message: .agentAction(AgentAction(actionID: id, agentID: "ada", conversationID: "c1", kind: kind, queue: "vip")))
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(action)))
        }
    }

    /// Registers with ada available, delivers `c1`, and has ada accept its offer: Active.
    /// Returns presence's routing id at the distributor (to send as presence).
    /// `registered` runs once the distributor has Ready and the snapshot.
    func activeConversationOfAda(_ peers: Peers, registered: () async throws -> Void = {}) async throws -> [UInt8] {
        let ada = AgentState(agentID: "ada", basePresence: .available, capacityTotal: 4, capacityUsed: 0, connected: true)
        try await register(peers, agents: [ada], sequence: 5)
        try await registered()
        let routerPeer = Array("distributor-1".utf8)
        let deliver = Envelope(id: peers.ids.next(), message: DistributorFixture.deliver("c1", kind: .newConversation, sequence: 1, text: "hello"))
        try await peers.router.socket.send(Multipart([routerPeer] + WireCodec.encode(deliver)))
        #expect(try await deliverAck(peers, for: deliver.id) == .accepted)

        let reserve = try await peers.presence.receive("Reserve") { if case .reserve(let reserve) = $0 { reserve } else { nil } }
        try await peers.presence.send(
            .grant(Grant(
                requestID: reserve.envelope.id, reservationID: reserve.value.reservationID, agentID: "ada",
                conversationID: "c1", units: 2, capacityTotal: 4, capacityUsed: 2, sequence: 6)),
            to: reserve.peer, ids: peers.ids)
        let offer = try await peers.presence.receive("Offer") { if case .offer(let offer) = $0 { offer } else { nil } }
        try await peers.presence.send(.ack(Ack(ackedID: offer.envelope.id, outcome: .accepted)), to: offer.peer, ids: peers.ids)
        let accept = Envelope(id: peers.ids.next(), message: .offerReply(OfferReply(offerID: offer.value.offerID, agentID: "ada", conversationID: "c1", decision: .accept)))
        try await peers.presence.socket.send(Multipart([offer.peer] + WireCodec.encode(accept)))
        _ = try await peers.presence.receive("Ack of OfferReply") { if case .ack(let ack) = $0, ack.ackedID == accept.id { true } else { nil } }
        return offer.peer
    }

    @Test func aDeliveredConversationIsOfferedAcceptedAndItsMessagesReachTheAgentAlsoAfterARestart() async throws {
        let dataDir = try TemporaryDirectory("distributor-service")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let ada = AgentState(agentID: "ada", basePresence: .away, capacityTotal: 4, capacityUsed: 0, connected: true)

            // First run: Ready, snapshot (ada away: nobody eligible yet).
            let (distributor, run) = try await start(peers, loop: loop, dataDir: dataDir.path)
            try await register(peers, agents: [ada], sequence: 5)

            let deliver = Envelope(id: peers.ids.next(), message: DistributorFixture.deliver("c1", kind: .newConversation, sequence: 1, text: "hello"))
            let routerPeer = Array("distributor-1".utf8)
            try await peers.router.socket.send(Multipart([routerPeer] + WireCodec.encode(deliver)))
            #expect(try await deliverAck(peers, for: deliver.id) == .accepted)
            #expect(await distributor.conversation("c1")?.state == .open)

            // Ada becomes available (AgentUpdate on PUB; repeated until the SUB has joined).
            var available = ada
            available.basePresence = .available
            let publishing = Task {
                while !Task.isCancelled {
                    try? await peers.publisher.publish(.agentUpdate(AgentUpdate(sequence: 6, agent: available)), ids: peers.ids)
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            let reserve = try await peers.presence.receive("Reserve") { if case .reserve(let reserve) = $0 { reserve } else { nil } }
            publishing.cancel()
            #expect(reserve.value.agentID == "ada")
            #expect(reserve.value.conversationID == "c1")
            #expect(reserve.value.units == 2)  // retail-chat capacity
            #expect(reserve.value.reason == .push)
            #expect(Set(reserve.value.allowedPresences) == [.available, .busy])
            try await peers.presence.send(
                .grant(Grant(
                    requestID: reserve.envelope.id, reservationID: reserve.value.reservationID, agentID: "ada",
                    conversationID: "c1", units: 2, capacityTotal: 4, capacityUsed: 2, sequence: 7)),
                to: reserve.peer, ids: peers.ids)

            let offer = try await peers.presence.receive("Offer") { if case .offer(let offer) = $0 { offer } else { nil } }
            #expect(offer.value.agentID == "ada")
            #expect(offer.value.conversationID == "c1")
            #expect(offer.value.expiresAtMs > Distributor.nowMs() + 50_000)  // vip: 60 s
            try await peers.presence.send(.ack(Ack(ackedID: offer.envelope.id, outcome: .accepted)), to: offer.peer, ids: peers.ids)
            let reply = Envelope(id: peers.ids.next(), message: .offerReply(OfferReply(offerID: offer.value.offerID, agentID: "ada", conversationID: "c1", decision: .accept)))
            try await peers.presence.socket.send(Multipart([offer.peer] + WireCodec.encode(reply)))
            let replyAck = try await peers.presence.receive("Ack of OfferReply") {
                if case .ack(let ack) = $0, ack.ackedID == reply.id { ack.outcome } else { nil }
            }
            #expect(replyAck.value == .accepted)

            // The agent gets the first message, and a follow-up as a ConversationMessage.
            let first = try await conversationMessage(peers, sequence: 1)
            #expect(first.value.agentID == "ada")
            #expect(first.value.message.text == "hello")
            // Presence confirms the first message only; the second is still unconfirmed at the restart.
            try await peers.presence.send(.ack(Ack(ackedID: first.envelope.id, outcome: .accepted)), to: first.peer, ids: peers.ids)
            // Applied before the follow-up comes: an Ack's change is stored with the record's
            // next stored step (decisions §26), here the follow-up's Deliver. On the other
            // socket it could otherwise overtake the Ack, and the restart hand message 1 again.
            try await withTimeout(.seconds(5), "first message confirmed") {
                while await distributor.conversation("c1")?.acknowledgedThrough != 1 { try await Task.sleep(for: .milliseconds(10)) }
            }
            let followUp = Envelope(id: peers.ids.next(), message: DistributorFixture.deliver("c1", kind: .followUp, sequence: 2, text: "are you there?"))
            try await peers.router.socket.send(Multipart([routerPeer] + WireCodec.encode(followUp)))
            #expect(try await deliverAck(peers, for: followUp.id) == .accepted)
            let second = try await conversationMessage(peers, sequence: 2)
            #expect(second.value.message.text == "are you there?")
            #expect(second.value.agentID == "ada")
            #expect(await distributor.conversation("c1")?.state == .active)
            #expect(await distributor.conversation("c1")?.agentID == "ada")

            // A resent Deliver (same id) is acknowledged again and changes nothing.
            try await peers.router.socket.send(Multipart([routerPeer] + WireCodec.encode(followUp)))
            #expect(try await deliverAck(peers, for: followUp.id) == .duplicate)
            #expect(await distributor.health().healthy)

            run.cancel()
            try await withTimeout(.seconds(5), "first run stops") { try await run.value }

            // Second run on the same data directory: c1 stays Active with ada, and is not offered again.
            var busy = available
            busy.capacityUsed = 2
            busy.basePresence = .busy
            let (restarted, rerun) = try await start(peers, loop: loop, dataDir: dataDir.path)
            // The unconfirmed message goes to the agent again, the confirmed one does not; the
            // snapshot request comes alongside (either order).
            var resent: [ConversationMessage] = []
            var snapshotRequest: (peer: [UInt8], envelope: Envelope)?
            while resent.isEmpty || snapshotRequest == nil {
                let received = try await peers.presence.receive("resent message and snapshot request")
                switch received.envelope.message {
                case .conversationMessage(let message): resent.append(message)
                case .snapshotRequest: snapshotRequest = received
                default: break
                }
            }
            #expect(resent.map(\.sequence) == [2])
            #expect(resent.first?.agentID == "ada")
            if let snapshotRequest {
                try await peers.presence.send(
                    .snapshotReply(SnapshotReply(requestID: snapshotRequest.envelope.id, sequence: 7, agents: [busy])),
                    to: snapshotRequest.peer, ids: peers.ids)
            }
            let ready = try await peers.router.receive("Ready again") { if case .ready(let ready) = $0 { ready } else { nil } }
            try await peers.router.send(
                .readyAccepted(ReadyAccepted(readyID: ready.envelope.id, queues: ready.value.queues)), to: ready.peer, ids: peers.ids)
            try await withTimeout(.seconds(5), "snapshot applied") {
                while await !restarted.health().checks.values.contains("loaded") { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(await restarted.conversation("c1")?.state == .active)
            #expect(await restarted.conversation("c1")?.agentID == "ada")
            let again = try? await peers.presence.receive("no new offer", within: .milliseconds(700)) {
                switch $0 {
                case .reserve, .offer: true
                default: nil
                }
            }
            #expect(again == nil, "an Active conversation is not offered again after a restart")
            rerun.cancel()
            try await withTimeout(.seconds(5), "second run stops") { try await rerun.value }
        }
    }

    /// Found by `switchboard chaos`: presence resends an agent reply until the adapter's
    /// AgentReplyAck; a resend arriving after the agent wrapped up was refused, so the agent
    /// was told "rejected" while the first copy reached the customer.
    @Test func aReplyResentAfterTheAgentWrappedUpIsNotRefusedWhileTheFirstIsOnItsWay() async throws {
        let dataDir = try TemporaryDirectory("distributor-reply-resend")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path)
            let presencePeer = try await activeConversationOfAda(peers)
            let routerPeer = Array("distributor-1".utf8)

            // The reply goes to the router; its AgentReplyAck is late.
            let reply = Envelope(
                id: peers.ids.next(),
                message: .agentReply(AgentReply(
                    conversationID: "c1", channelInstanceID: "", channelType: "", customerAddress: "", agentID: "ada", text: "on it", sentAtMs: 0)))
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(reply)))
            _ = try await peers.router.receive("AgentReply at the router") { if case .agentReply = $0 { true } else { nil } }

            // Ada wraps up; then presence resends the reply (no AgentReplyAck yet).
            let wrapUp = Envelope(
                id: peers.ids.next(), message: .agentAction(AgentAction(actionID: "w1", agentID: "ada", conversationID: "c1", kind: .wrapUp, queue: "vip")))
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(wrapUp)))
            let result = try await peers.presence.receive("wrapUp result") {
                if case .agentActionResult(let result) = $0, result.actionID == "w1" { result } else { nil }
            }
            #expect(result.value.outcome == .done)
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(reply)))
            // Presence's messages are handled in order: once a later action is answered, the resend was handled.
            let close = Envelope(
                id: peers.ids.next(), message: .agentAction(AgentAction(actionID: "c1-close", agentID: "ada", conversationID: "c1", kind: .close, queue: "vip")))
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(close)))
            var answers: [AckOutcome] = []
            var closed = false
            while !closed {
                switch try await peers.presence.receive("close result").envelope.message {
                case .agentReplyAck(let ack) where ack.ackedID == reply.id: answers.append(ack.outcome)
                case .agentActionResult(let result) where result.actionID == "c1-close": closed = true
                default: break
                }
            }
            #expect(answers.isEmpty, "a resend must not be answered while the first copy is on its way: \(answers)")

            // The adapter's answer arrives: the first answer presence gets for the reply is it.
            try await peers.router.send(.agentReplyAck(AgentReplyAck(ackedID: reply.id, outcome: .accepted)), to: routerPeer, ids: peers.ids)
            let answer = try await peers.presence.receive("AgentReplyAck") {
                if case .agentReplyAck(let ack) = $0, ack.ackedID == reply.id { ack.outcome } else { nil }
            }
            #expect(answer.value == .accepted, "a resend must not be refused while the first copy is on its way")
            run.cancel()
            try await withTimeout(.seconds(5), "the run stops") { try await run.value }
        }
    }

    @Test func aRefusedReadyStopsTheDistributorWithAnError() async throws {
        let dataDir = try TemporaryDirectory("distributor-refused")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(15)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path)
            let ready = try await peers.router.receive("Ready") { if case .ready(let ready) = $0 { ready } else { nil } }
            try await peers.router.send(
                .readyRefused(ReadyRefused(readyID: ready.envelope.id, reason: .queueOwned, conflictingQueues: ["vip"], currentOwner: "distributor-9")),
                to: ready.peer, ids: peers.ids)
            let outcome = try await withTimeout(.seconds(5), "run ends") { () -> DistributorError? in
                do {
                    try await run.value
                    return nil
                } catch let error as DistributorError {
                    return error
                }
            }
            #expect(outcome?.code == .readyRefused)
            #expect(outcome?.message.contains("distributor-9") == true)
        }
    }

    @Test func settingsComeFromTheConfigurationWithOverrides() throws {
        let configuration = try DistributorFixture.configuration()
        let settings = try DistributorSettings.resolve(configuration: configuration, name: "distributor-2")
        #expect(settings.queues == ["support", "social"])
        #expect(settings.http == "127.0.0.1:8093")
        #expect(settings.routerEndpoint == "tcp://127.0.0.1:5551")
        let overridden = try DistributorSettings.resolve(
            configuration: configuration, name: "distributor-1", queues: ["social"], routerEndpoint: "tcp://10.0.0.1:1")
        #expect(overridden.queues == ["social"])
        #expect(overridden.routerEndpoint == "tcp://10.0.0.1:1")
        #expect(throws: DistributorError.self) {
            try DistributorSettings.resolve(configuration: configuration, name: "distributor-1", queues: ["nope"])
        }
        #expect(throws: DistributorError.self) {
            try DistributorSettings.resolve(configuration: configuration, name: "distributor-7")
        }
    }

    @Test func aDisconnectFromTheRouterBringsReadyAgainAndAnActionOnAnUnknownConversationIsRefused() async throws {
        let dataDir = try TemporaryDirectory("distributor-reready")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(15)) { loop in
            let peers = try await Peers.bind(loop)
            let (distributor, run) = try await start(peers, loop: loop, dataDir: dataDir.path)
            try await register(peers, agents: [], sequence: 0)
            try await withTimeout(.seconds(5), "registered") {
                while await distributor.health().checks["router.link"] != "up" { try await Task.sleep(for: .milliseconds(10)) }
            }

            // A restarted router that does not know us answers our traffic with Disconnect (Majordomo).
            try await peers.router.send(.disconnect(Disconnect(sender: "router", reason: .protocolError)), to: Array("distributor-1".utf8), ids: peers.ids)
            let again = try await peers.router.receive("Ready again") { if case .ready(let ready) = $0 { ready } else { nil } }
            #expect(again.value.queues == ["vip", "billing"])

            let action = Envelope(id: peers.ids.next(), message: .agentAction(AgentAction(actionID: "a-1", agentID: "ada", conversationID: "c9", kind: .hold, queue: "vip")))
            let presencePeer = Array("distributor-1".utf8)
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(action)))
            let result = try await peers.presence.receive("AgentActionResult") {
                if case .agentActionResult(let result) = $0 { result } else { nil }
            }
            #expect(result.value.actionMessageID == action.id)
            #expect(result.value.outcome == .refused(.unknownConversation))
            #expect(result.value.detail.contains("c9"))
            run.cancel()
            try await withTimeout(.seconds(5), "run stops") { try await run.value }
        }
    }

    /// A router that did not know us dropped our close unanswered (decisions §31): once it
    /// accepts our Ready again, the close goes again at once, not after the resend wait.
    @Test func aCloseTheRouterDroppedGoesAgainAsSoonAsItAcceptsOurReady() async throws {
        let dataDir = try TemporaryDirectory("distributor-close-after-ready")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let slowResends = LinkSettings(heartbeatInterval: .seconds(10), resend: .init(acknowledgementTimeout: .seconds(30), maximumTimeout: .seconds(30)))
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: slowResends)
            let presencePeer = try await activeConversationOfAda(peers)
            try await wrapUpAndCloseAsAda(peers, presencePeer: presencePeer)
            let closed = try await peers.router.receive("ConversationClosed") { if case .conversationClosed(let closed) = $0 { closed } else { nil } }
            #expect(closed.value.conversationID == "c1")

            // The router does not answer it; it asks us to announce ourselves (once per message
            // it drops: one Ready answers them all), and accepts.
            for _ in 0..<3 {
                try await peers.router.send(.disconnect(Disconnect(sender: "router", reason: .unspecified)), to: closed.peer, ids: peers.ids)
            }
            let ready = try await peers.router.receive("Ready again") { if case .ready(let ready) = $0 { ready } else { nil } }
            let secondReady = try? await peers.router.receive("no second Ready", within: .milliseconds(500)) {
                if case .ready = $0 { true } else { nil }
            }
            #expect(secondReady == nil, "one Ready for a burst of Disconnects")
            try await peers.router.send(.readyAccepted(ReadyAccepted(readyID: ready.envelope.id, queues: ready.value.queues)), to: ready.peer, ids: peers.ids)
            let again = try await peers.router.receive("the same close again", within: .seconds(5)) {
                if case .conversationClosed = $0 { true } else { nil }
            }
            #expect(again.envelope.id == closed.envelope.id)
            // A repeated answer (a resent Ready's) resends nothing more.
            try await peers.router.send(.readyAccepted(ReadyAccepted(readyID: ready.envelope.id, queues: ready.value.queues)), to: ready.peer, ids: peers.ids)
            let thirdCopy = try? await peers.router.receive("no third copy", within: .milliseconds(500)) {
                if case .conversationClosed = $0 { true } else { nil }
            }
            #expect(thirdCopy == nil, "resent once per registration")
            run.cancel()
            try await withTimeout(.seconds(5), "the run stops") { try await run.value }
        }
    }

    /// A closed conversation's record goes from the store once the router acknowledged the
    /// close and presence the release (decisions §32): a restart resends neither. Before,
    /// every restart resent the close and the releases of every conversation ever closed.
    @Test func aClosedConversationAcknowledgedByTheRouterAndPresenceIsPurgedAndNotResentAfterARestart() async throws {
        let dataDir = try TemporaryDirectory("distributor-purge")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let (distributor, run) = try await start(peers, loop: loop, dataDir: dataDir.path)
            let presencePeer = try await activeConversationOfAda(peers)
            try await wrapUpAndCloseAsAda(peers, presencePeer: presencePeer)
            let closed = try await peers.router.receive("ConversationClosed") { if case .conversationClosed(let closed) = $0 { closed } else { nil } }
            let release = try await peers.presence.receive("Release") { if case .release(let release) = $0 { release } else { nil } }
            let reader = try QueueStateStore(path: DataDirectory(path: dataDir.path, process: "distributor-1").storePath(QueueStateStore.fileName))
            #expect(try await reader.conversations().map(\.state) == [.closed], "kept until both answers are in")

            try await peers.router.send(.ack(Ack(ackedID: closed.envelope.id, outcome: .accepted)), to: closed.peer, ids: peers.ids)
            try await peers.presence.send(
                .releaseAck(ReleaseAck(ackedID: release.envelope.id, reservationID: release.value.reservationID, wasHeld: true)),
                to: release.peer, ids: peers.ids)
            try await withTimeout(.seconds(5), "the closed record purged") {
                while try await !reader.conversations().isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            }
            // Its message stays (a late resend is still a duplicate) until the sweep after the
            // retention; the sweep keeps what is newer.
            let message = try #require(try await reader.deliveries(conversationID: "c1", sequences: 1...1).first)
            await distributor.sweepDeliveries(storedBeforeMs: Distributor.nowMs() - 60_000)
            #expect(try await reader.delivery(messageID: message.messageID) != nil)
            await distributor.sweepDeliveries(storedBeforeMs: Distributor.nowMs() + 1_000)
            #expect(try await reader.delivery(messageID: message.messageID) == nil)
            run.cancel()
            try await withTimeout(.seconds(5), "the run stops") { try await run.value }

            // After a restart: Ready, the snapshot, and no close or release of c1.
            let (_, again) = try await start(peers, loop: loop, dataDir: dataDir.path)
            try await register(peers, agents: [], sequence: 9)
            let owed = try? await peers.router.receive("no close resent", within: .seconds(1)) {
                if case .conversationClosed = $0 { true } else { nil }
            }
            #expect(owed == nil)
            let releasedAgain = try? await peers.presence.receive("no release resent", within: .milliseconds(300)) {
                if case .release = $0 { true } else { nil }
            }
            #expect(releasedAgain == nil)
            again.cancel()
            try await withTimeout(.seconds(5), "the second run stops") { try await again.value }
        }
    }

    /// Decisions §58: a presence that asks for them gets the close's release in its result,
    /// no Release follows, and the record goes on the router's Ack alone. When presence
    /// speaks first, each owned queue's held reservations are listed to it.
    @Test func aCloseAskedForItsReleasesAnswersWithThemAndSendsNoRelease() async throws {
        let dataDir = try TemporaryDirectory("distributor-releases-in-result")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path)
            var listed: [String: [String]] = [:]
            let presencePeer = try await activeConversationOfAda(peers) {
                while listed.count < 2 {
                    let listing = try await peers.presence.receive("a list of held reservations") {
                        if case .workItems(let items) = $0, let held = items.heldReservationIDs { (items.queue, held) } else { nil }
                    }
                    listed[listing.value.0] = listing.value.1
                }
            }
            #expect(listed == ["vip": [], "billing": []], "nothing held yet")

            for (id, kind) in [("w1", AgentAction.Kind.wrapUp), ("c1-close", .close)] {
                let action = Envelope(
                    id: peers.ids.next(),
                    message: .agentAction(AgentAction(actionID: id, agentID: "ada", conversationID: "c1", kind: kind, queue: "vip", releasesInResult: true)))
                try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(action)))
            }
            let result = try await peers.presence.receive("the close's result") {
                if case .agentActionResult(let result) = $0, result.actionID == "c1-close" { result } else { nil }
            }
            #expect(result.value.outcome == .done)
            #expect(result.value.releases.count == 1)
            #expect(result.value.releases.first?.agentID == "ada" && result.value.releases.first?.conversationID == "c1")
            #expect(result.value.releases.first?.reservationID.hasPrefix("c1#") == true)
            let release = try? await peers.presence.receive("no Release", within: .milliseconds(300)) {
                if case .release = $0 { true } else { nil }
            }
            #expect(release == nil)

            let closed = try await peers.router.receive("ConversationClosed") { if case .conversationClosed(let closed) = $0 { closed } else { nil } }
            try await peers.router.send(.ack(Ack(ackedID: closed.envelope.id, outcome: .accepted)), to: closed.peer, ids: peers.ids)
            let reader = try QueueStateStore(path: DataDirectory(path: dataDir.path, process: "distributor-1").storePath(QueueStateStore.fileName))
            try await withTimeout(.seconds(5), "the closed record purged on the router's Ack alone") {
                while try await !reader.conversations().isEmpty { try await Task.sleep(for: .milliseconds(20)) }
            }
            run.cancel()
            try await withTimeout(.seconds(5), "the run stops") { try await run.value }
        }
    }

    @Test func anUnansweredOfferIsWithdrawnAtItsExpiryReleasedAndOfferedToTheNextAgent() async throws {
        let dataDir = try TemporaryDirectory("distributor-expiry")
        defer { dataDir.remove() }
        // vip: mostIdle over [ada, grace]; a short offer timeout so the real timer fires soon.
        let configuration = try DistributorFixture.configuration([("offerTimeout: 60s", "offerTimeout: 1s")])
        try await withEventLoop(timeout: .seconds(15)) { loop in
            let peers = try await Peers.bind(loop)
            let (distributor, run) = try await start(peers, loop: loop, dataDir: dataDir.path, configuration: configuration)
            let ada = AgentState(agentID: "ada", basePresence: .available, capacityTotal: 4, lastAssignmentAtMs: 1)
            let grace = AgentState(agentID: "grace", basePresence: .available, capacityTotal: 4, lastAssignmentAtMs: 2)
            try await register(peers, agents: [ada, grace], sequence: 3)
            let deliver = Envelope(id: peers.ids.next(), message: DistributorFixture.deliver("c2", kind: .newConversation, sequence: 1, text: "hi"))
            try await peers.router.socket.send(Multipart([Array("distributor-1".utf8)] + WireCodec.encode(deliver)))
            #expect(try await deliverAck(peers, for: deliver.id) == .accepted)

            func grantNextReserve(sequence: UInt64) async throws -> Reserve {
                let reserve = try await peers.presence.receive("Reserve") { if case .reserve(let reserve) = $0 { reserve } else { nil } }
                try await peers.presence.send(
                    .grant(Grant(requestID: reserve.envelope.id, reservationID: reserve.value.reservationID, sequence: sequence)),
                    to: reserve.peer, ids: peers.ids)
                return reserve.value
            }
            let first = try await grantNextReserve(sequence: 4)
            #expect(first.agentID == "ada")  // most idle
            let offer = try await peers.presence.receive("Offer to ada") { if case .offer(let offer) = $0 { offer } else { nil } }
            try await peers.presence.send(.ack(Ack(ackedID: offer.envelope.id, outcome: .accepted)), to: offer.peer, ids: peers.ids)

            // No reply: at the expiry the offer is withdrawn and its capacity released.
            let started = ContinuousClock.now
            let withdrawn = try await peers.presence.receive("OfferWithdrawn") { if case .offerWithdrawn(let w) = $0 { w } else { nil } }
            #expect(withdrawn.value.offerID == offer.value.offerID)
            #expect(withdrawn.value.reason == .expired)
            #expect(ContinuousClock.now - started < .seconds(6))  // 1 s, with room for a starved parallel run
            let release = try await peers.presence.receive("Release") { if case .release(let r) = $0 { r } else { nil } }
            #expect(release.value.reservationID == first.reservationID)

            // The next eligible agent gets it; a late reply from ada no longer stands.
            let second = try await grantNextReserve(sequence: 5)
            #expect(second.agentID == "grace")
            let late = Envelope(id: peers.ids.next(), message: .offerReply(OfferReply(offerID: offer.value.offerID, agentID: "ada", decision: .accept)))
            try await peers.presence.socket.send(Multipart([offer.peer] + WireCodec.encode(late)))
            let answer = try await peers.presence.receive("Ack of the late reply") {
                if case .ack(let ack) = $0, ack.ackedID == late.id { ack.outcome } else { nil }
            }
            #expect(answer.value == .rejected(reason: "offer withdrawn"))
            #expect(await distributor.conversation("c2")?.declines == ["ada": 1])
            #expect(await distributor.conversation("c2")?.state == .open)
            run.cancel()
            try await withTimeout(.seconds(5), "run stops") { try await run.value }
        }
    }
}
