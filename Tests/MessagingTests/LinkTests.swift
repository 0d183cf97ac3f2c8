import Messaging
import SwitchboardTestSupport
import Testing
import Wire
import ZeroMQ

@Suite("DEALER → ROUTER links") struct LinkTests {
    @Test(arguments: Transport.allCases)
    func anAnsweredMessageIsNotResent(transport: Transport) async throws {
        try await withEventLoop { loop in
            let ids = MessageIDGenerator()
            let router = RouterLink(name: "router", bindTo: transport.bindEndpoint(), loop: loop, ids: ids, settings: fastLinks, logger: testLogger)
            try await router.start()
            let endpoint = try await router.boundEndpoint()
            defer { Transport.cleanUp(endpoint) }
            let dealer = DealerLink(name: "ingress", identity: "ingress-custom", connectTo: endpoint, loop: loop, ids: MessageIDGenerator(), settings: fastLinks, logger: testLogger)
            try await dealer.start()

            let request = Envelope(id: MessageIDGenerator().next(), message: submit("p-1"))
            try await dealer.sendReliably(request)
            let received = try await next(router.inbound, "submit at router")
            #expect(received.peer == PeerID("ingress-custom"))
            #expect(received.envelope == request)

            try await router.send(.submitAck(SubmitAck(ackedID: request.id, outcome: .accepted, conversationID: "conv-1")), to: received.peer)
            let answer = try await next(dealer.inbound, "ack at dealer")
            #expect(answer.message.answeredID == request.id)
            try await eventually("dealer sees the answer") { await dealer.unansweredCount == 0 }

            // Copies resent before the answer got through (a loaded machine) are the same message;
            // once answered, nothing else arrives, well past the resend time.
            while let copy = try? await next(router.inbound, within: .milliseconds(100), "earlier copies") {
                #expect(copy.envelope == request)
            }
            let extra = try? await next(router.inbound, within: .milliseconds(700), "no resend")
            #expect(extra == nil)
            await dealer.stop()
            await router.stop()
        }
    }

    @Test func anUnansweredMessageIsResentWithTheSameID() async throws {
        try await withEventLoop { loop in
            let metrics = CounterTally()
            let router = RouterLink(name: "router", bindTo: "tcp://127.0.0.1:*", loop: loop, ids: MessageIDGenerator(), settings: fastLinks, logger: testLogger)
            try await router.start()
            let dealer = DealerLink(
                name: "ingress", identity: "ingress-custom", connectTo: try await router.boundEndpoint(), loop: loop, ids: MessageIDGenerator(),
                settings: fastLinks, logger: testLogger, metrics: metrics)
            try await dealer.start()

            let request = Envelope(id: MessageIDGenerator().next(), message: submit("p-2"))
            try await dealer.sendReliably(request)
            let first = try await next(router.inbound, "first copy")
            let second = try await next(router.inbound, "resent copy")
            #expect(first.envelope == request)
            #expect(second.envelope == request)
            #expect(await dealer.unansweredCount == 1)
            #expect(metrics.value("switchboard_wire_resent_total{link=ingress}") >= 1)
            await dealer.stop()
            await router.stop()
        }
    }

    /// What a distributor does once the router accepts its Ready (decisions §31): what the
    /// router dropped unanswered before goes again at once, not after the resend wait.
    @Test func resendUnansweredSendsEverythingUnansweredAgainAtOnce() async throws {
        try await withEventLoop { loop in
            // Patient liveness too: a peer seen dead and alive again (a starved run) would be
            // sent everything again by itself.
            let slowResends = LinkSettings(
                heartbeatInterval: .milliseconds(40), missedHeartbeatsBeforeDead: 500,
                resend: .init(acknowledgementTimeout: .seconds(30), maximumTimeout: .seconds(30)))
            let router = RouterLink(name: "router", bindTo: "tcp://127.0.0.1:*", loop: loop, ids: MessageIDGenerator(), settings: slowResends, logger: testLogger)
            try await router.start()
            let dealer = DealerLink(name: "ingress", identity: "ingress-custom", connectTo: try await router.boundEndpoint(), loop: loop, ids: MessageIDGenerator(), settings: slowResends, logger: testLogger)
            try await dealer.start()
            let drain = Task { for await _ in dealer.inbound {} }
            defer { drain.cancel() }

            let (first, second) = (Envelope(id: MessageIDGenerator().next(), message: submit("p-a")), Envelope(id: MessageIDGenerator().next(), message: submit("p-b")))
            try await dealer.sendReliably(first)
            try await dealer.sendReliably(second)
            #expect(try await next(router.inbound, "first").envelope == first)
            let got = try await next(router.inbound, "second")
            #expect(got.envelope == second)
            try await router.send(.submitAck(SubmitAck(ackedID: second.id, outcome: .accepted)), to: got.peer)
            try await eventually("second answered") { await dealer.unansweredCount == 1 }
            #expect((try? await next(router.inbound, within: .milliseconds(300), "nothing before the resend wait")) == nil)

            await dealer.resendUnanswered()
            #expect(try await next(router.inbound, within: .seconds(5), "the unanswered one again").envelope == first)
            #expect((try? await next(router.inbound, within: .milliseconds(300), "not the answered one")) == nil)
            await dealer.stop()
            await router.stop()
        }
    }

    @Test func aRestartedRouterGetsEverythingUnansweredOnceTheDealerHearsItAgain() async throws {
        try await withEventLoop(timeout: .seconds(20)) { loop in
            // Bound again below: a port the dealer's reconnects cannot take (FreePorts).
            let first = RouterLink(name: "router", bindTo: try FreePorts.endpoint(), loop: loop, ids: MessageIDGenerator(), settings: fastLinks, logger: testLogger)
            try await first.start()
            let endpoint = try await first.boundEndpoint()
            let dealer = DealerLink(name: "ingress", identity: "ingress-custom", connectTo: endpoint, loop: loop, ids: MessageIDGenerator(), settings: fastLinks, logger: testLogger)
            try await dealer.start()
            let events = dealer.events
            // The owner always drains inbound (the link waits for it: back-pressure).
            let drain = Task { for await _ in dealer.inbound {} }
            defer { drain.cancel() }
            try await exchangeOneMessage(dealer, first)

            await first.stop()
            #expect(try await next(events, "peer dead") == .peerDead(PeerID(endpoint)))

            let pending = (1...3).map { Envelope(id: MessageIDGenerator().next(), message: submit("while-down-\($0)")) }
            for envelope in pending { try await dealer.sendReliably(envelope) }

            let second = RouterLink(name: "router", bindTo: endpoint, loop: loop, ids: MessageIDGenerator(), settings: fastLinks, logger: testLogger)
            try await second.start()
            #expect(try await next(events, within: .seconds(10), "peer alive") == .peerAlive(PeerID(endpoint)))
            let arrived = Collector<MessageID>()
            try await withTimeout(.seconds(10), "all pending arrive") {
                for await received in second.inbound {
                    arrived.append(received.envelope.id)
                    if Set(pending.map(\.id)).isSubset(of: Set(arrived.all)) { return }
                }
            }
            #expect(Set(arrived.all) == Set(pending.map(\.id)))  // nothing else, duplicates allowed
            await dealer.stop()
            await second.stop()
        }
    }

    /// A peer restarted before it counted as dead (a crash restarted within the 3 s): what
    /// it had been sent and lost goes again as soon as its new run speaks, not after the
    /// resend wait (decisions §35), and the owner hears `peerAlive`, as for a peer back from
    /// the dead: the new run has forgotten what the owner tells such a peer (§57).
    @Test func aRouterRestartedBeforeItCountsAsDeadGetsWhatItLostAtOnce() async throws {
        try await withEventLoop(timeout: .seconds(20)) { loop in
            let patient = LinkSettings(
                heartbeatInterval: .milliseconds(40), missedHeartbeatsBeforeDead: 500,
                resend: .init(acknowledgementTimeout: .seconds(30), maximumTimeout: .seconds(30)))
            let first = RouterLink(name: "router", bindTo: try FreePorts.endpoint(), loop: loop, ids: MessageIDGenerator(), settings: patient, logger: testLogger)
            try await first.start()
            let endpoint = try await first.boundEndpoint()
            let dealer = DealerLink(name: "ingress", identity: "ingress-custom", connectTo: endpoint, loop: loop, ids: MessageIDGenerator(), settings: patient, logger: testLogger)
            let events = dealer.events
            try await dealer.start()
            let drain = Task { for await _ in dealer.inbound {} }
            defer { drain.cancel() }
            try await exchangeOneMessage(dealer, first)

            let lost = Envelope(id: MessageIDGenerator().next(), message: submit("lost-in-the-crash"))
            try await dealer.sendReliably(lost)
            #expect(try await next(first.inbound, "received, never answered").envelope == lost)
            await first.stop()

            let second = RouterLink(name: "router", bindTo: endpoint, loop: loop, ids: MessageIDGenerator(), settings: patient, logger: testLogger)
            // As a restarted process would: the old socket's close may still hold the port.
            try await eventually("bound again") { (try? await second.start()) != nil }
            let again = try await next(second.inbound, within: .seconds(5), "sent again to the new run")
            #expect(again.envelope == lost)
            #expect(await dealer.isPeerAlive)  // never counted as dead: only the new run told
            let event = try await next(events, within: .seconds(5), "the new run announced")
            if case .peerAlive = event {} else { Issue.record("expected peerAlive, got \(event)") }
            await dealer.stop()
            await second.stop()
        }
    }

    @Test func theRouterSeesASilentPeerDieAndTakesBackWhatItOwed() async throws {
        try await withEventLoop { loop in
            // Death after 2 s of silence, not 120 ms: a dealer starved that long (a parallel
            // run on 2 cores, seen in CI) counts the router dead and says no Disconnect.
            let settings = LinkSettings(
                heartbeatInterval: .milliseconds(40), missedHeartbeatsBeforeDead: 50, resend: fastLinks.resend)
            let router = RouterLink(name: "router", bindTo: "tcp://127.0.0.1:*", loop: loop, ids: MessageIDGenerator(), settings: settings, logger: testLogger)
            try await router.start()
            let routerEvents = router.events
            let dealer = DealerLink(name: "distributor", identity: "distributor-1", connectTo: try await router.boundEndpoint(), loop: loop, ids: MessageIDGenerator(), settings: settings, logger: testLogger)
            try await dealer.start()
            _ = try await dealer.send(.ready(Ready(distributor: "distributor-1", queues: ["billing"])))
            let peer = PeerID("distributor-1")
            #expect(try await next(routerEvents, "joined") == .peerAlive(peer))
            _ = try await next(router.inbound, "ready")

            let delivery = Envelope(id: MessageIDGenerator().next(), message: .deliver(Deliver(
                conversationID: "c-1", workStream: "retail-app", queue: "billing", kind: .newConversation,
                message: InboundMessage(channelInstanceID: "mobile-app", channelType: "custom", providerMessageID: "p", customerAddress: "c"))))
            try await router.sendReliably(delivery, to: peer)
            _ = try await next(dealer.inbound, "delivery")
            #expect(await router.unansweredCount(for: peer) == 1)

            await dealer.stop()
            // stop() says Disconnect; the router still waits for silence before calling it dead.
            _ = try await next(router.inbound, "disconnect")
            #expect(try await next(routerEvents, "dead") == .peerDead(peer))
            #expect(await router.forget(peer) == [delivery.id])
            #expect(await router.alivePeers.isEmpty)
            await router.stop()
        }
    }

    @Test func aSendToAPeerThatIsNotConnectedFailsWithHostUnreachable() async throws {
        try await withEventLoop { loop in
            let router = RouterLink(name: "router", bindTo: "inproc://unreachable-test", loop: loop, ids: MessageIDGenerator(), settings: fastLinks, logger: testLogger)
            try await router.start()
            let error = await #expect(throws: MessagingError.self) {
                try await router.send(.heartbeat(Heartbeat(sender: "router")), to: PeerID("nobody"))
            }
            #expect(error?.code == .transport)
            #expect(error?.zeroMQError?.code == .hostUnreachable)
            await router.stop()
        }
    }

    @Test func malformedFramesAreDroppedAndTheLinkCarriesOn() async throws {
        try await withEventLoop { loop in
            let router = RouterLink(name: "router", bindTo: "tcp://127.0.0.1:*", loop: loop, ids: MessageIDGenerator(), settings: fastLinks, logger: testLogger)
            try await router.start()
            let endpoint = try await router.boundEndpoint()
            let raw = try await loop.makeSocket(.dealer) { socket in
                try socket.setRoutingID("rogue")
                try socket.connect(endpoint)
            }
            try await raw.send(Multipart(strings: "not", "a", "wire", "message"))
            try await raw.send(Multipart([[0x53, 0x57, 0x42, 0x09], [0, 1], Array(repeating: 0, count: 16), []]))  // version 9
            let valid = Envelope(id: MessageIDGenerator().next(), message: .heartbeat(Heartbeat(sender: "rogue")))
            let submitted = Envelope(id: MessageIDGenerator().next(), message: submit("after-garbage"))
            try await raw.send(Multipart(try WireCodec.encode(valid)))
            try await raw.send(Multipart(try WireCodec.encode(submitted)))
            let received = try await next(router.inbound, "the valid message")
            #expect(received.envelope == submitted)
            await raw.close()
            await router.stop()
        }
    }

    /// libzmq names a peer without a routing id (and the old connection of a peer that
    /// reconnected under its id) with a made-up id starting with a zero byte: such a peer's
    /// messages must not pass as a process's (a killed distributor's Ready would take the
    /// queues of the restarted one).
    @Test func messagesFromAPeerWithoutARoutingIDAreDropped() async throws {
        try await withEventLoop { loop in
            let router = RouterLink(name: "router", bindTo: "tcp://127.0.0.1:*", loop: loop, ids: MessageIDGenerator(), settings: fastLinks, logger: testLogger)
            try await router.start()
            let endpoint = try await router.boundEndpoint()
            let anonymous = try await loop.makeSocket(.dealer) { socket in try socket.connect(endpoint) }
            let named = try await loop.makeSocket(.dealer) { socket in
                try socket.setRoutingID("ingress-custom")
                try socket.connect(endpoint)
            }
            let fromAnonymous = Envelope(id: MessageIDGenerator().next(), message: submit("anonymous"))
            let fromNamed = Envelope(id: MessageIDGenerator().next(), message: submit("named"))
            try await anonymous.send(Multipart(try WireCodec.encode(fromAnonymous)))
            try await Task.sleep(for: .milliseconds(100))  // the anonymous one arrives first
            try await named.send(Multipart(try WireCodec.encode(fromNamed)))
            let received = try await next(router.inbound, "the named peer's message")
            #expect(received.envelope == fromNamed)
            #expect(received.peer == PeerID("ingress-custom"))
            await anonymous.close()
            await named.close()
            await router.stop()
        }
    }
}

@Suite("PUB → SUB links") struct PublishSubscribeLinkTests {
    @Test func updatesArriveInOrderAndHeartbeatsCarryTheLastSequence() async throws {
        try await withEventLoop { loop in
            let publisher = PublisherLink(name: "presence-updates", bindTo: "tcp://127.0.0.1:*", loop: loop, ids: MessageIDGenerator(), heartbeatInterval: .milliseconds(40), logger: testLogger)
            try await publisher.start()
            let subscriber = SubscriberLink(
                name: "updates", connectTo: try await publisher.boundEndpoint(), topics: [WireCodec.agentTopicPrefix], loop: loop,
                settings: fastLinks, logger: testLogger)
            try await subscriber.start()

            // Slow joiner: wait until the subscription is in place (a heartbeat arrives).
            _ = try await next(subscriber.inbound, "first heartbeat")
            for sequence in UInt64(1)...3 {
                try await publisher.publish(.agentUpdate(AgentUpdate(sequence: sequence, agent: AgentState(agentID: "ada", basePresence: .available))))
            }
            let (sequences, lastBeat) = try await withTimeout(.seconds(5), "updates and a later heartbeat") {
                var sequences: [UInt64] = []
                for await envelope in subscriber.inbound {
                    switch envelope.message {
                    case .agentUpdate(let update): sequences.append(update.sequence)
                    case .heartbeat(let beat) where sequences.count == 3: return (sequences, beat.lastSequence)
                    default: continue
                    }
                }
                return (sequences, UInt64(0))
            }
            #expect(sequences == [1, 2, 3])
            #expect(lastBeat == 3)

            await publisher.stop()
            let events = subscriber.events
            #expect(try await next(events, "publisher dead") == .peerDead(PeerID(subscriber.endpoint)))
            await subscriber.stop()
        }
    }
}
