import Foundation
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import NIOCore
import Testing
import Wire

@testable import Presence

/// agent.md sections 1–3 over a live server and a real WebSocket client.
@Suite(.timeLimit(.minutes(1))) struct AgentWebSocketTests {
    @Test func helloWithTheWrongSecretIsRefusedAndClosed() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = try await harness.application().test(.live) { client in
            let close = try await client.ws("/agent/ws") { inbound, outbound, _ in
                var frames = FrameReader(inbound)
                try await outbound.send(#"{"type":"hello","agentId":"ada","secret":"wrong"}"#)
                let error = try await frames.next()
                #expect(error?["type"] as? String == "error")
                #expect(error?["code"] as? String == "unauthorized")
                #expect(try await frames.next() == nil)  // closed by the server
            }
            #expect(close?.closeCode == .policyViolation)
        }
        #expect(await harness.coordinator.state(of: "ada")?.connected == false)
    }

    @Test func anAgentWithoutASecretVariableCannotLogIn() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = try await harness.application().test(.live) { client in
            try await client.ws("/agent/ws") { inbound, outbound, _ in
                var frames = FrameReader(inbound)
                try await outbound.send(#"{"type":"hello","agentId":"linus","secret":""}"#)
                #expect(try await frames.next()?["code"] as? String == "unauthorized")
            }
        }
    }

    @Test func noHelloInTimeIsRefused() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = try await harness.application(helloTimeout: .milliseconds(200)).test(.live) { client in
            try await client.ws("/agent/ws") { inbound, _, _ in
                var frames = FrameReader(inbound)
                let refusal = try await frames.next()
                let end = try await frames.next()
                #expect(refusal?["code"] as? String == "unauthorized")
                #expect(end == nil)
            }
        }
    }

    @Test func helloWithTheRightSecretGetsWelcome() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = try await harness.application().test(.live) { client in
            try await client.ws("/agent/ws") { inbound, outbound, _ in
                var frames = FrameReader(inbound)
                try await outbound.send(#"{"type":"hello","agentId":"ada","secret":"ada-secret","presence":"available"}"#)
                let welcome = try #require(try await frames.next())
                #expect(welcome["type"] as? String == "welcome")
                let agent = try #require(welcome["agent"] as? [String: Any])
                #expect(agent["agentId"] as? String == "ada")
                #expect(agent["connected"] as? Bool == true)
                let presences = try #require(welcome["presences"] as? [[String: Any]]).compactMap { $0["name"] as? String }
                #expect(presences.contains("available"))
                #expect(presences.contains("On lunch"))
                let presence = try #require(try await frames.next(type: "presence"))
                #expect((presence["agent"] as? [String: Any])?["basePresence"] as? String == "available")
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
        let state = await harness.coordinator.state(of: "ada")
        #expect(state?.basePresence == .available)
        #expect(state?.connected == false)  // the session ended: grace period running
    }

    @Test func malformedFramesGetAnErrorAndTheConnectionStays() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = try await harness.application().test(.live) { client in
            try await client.ws("/agent/ws") { inbound, outbound, _ in
                var frames = FrameReader(inbound)
                try await outbound.send(#"{"type":"hello","agentId":"ada","secret":"ada-secret"}"#)
                _ = try await frames.next(type: "welcome")
                try await outbound.send("this is not json")
                #expect(try await frames.next(type: "error")?["code"] as? String == "malformed")
                try await outbound.send(#"{"type":"dance","requestId":"r1"}"#)
                let unknown = try await frames.next(type: "error")
                #expect(unknown?["code"] as? String == "unknownType")
                #expect(unknown?["requestId"] as? String == "r1")
                try await outbound.send(#"{"type":"setPresence","presence":"Gym"}"#)
                #expect(try await frames.next(type: "error")?["code"] as? String == "unknownPresence")
                try await outbound.send(#"{"type":"accept","offerId":"nope"}"#)
                #expect(try await frames.next(type: "error")?["code"] as? String == "unknownOffer")
                // Presence has no route for it: it asks each distributor, and none has it (§23).
                try await outbound.send(#"{"type":"hold","conversationId":"someone-elses"}"#)
                for asked in 1...2 {
                    #expect(await harness.recorder.wait { $0.reliable.count == asked })
                    let action = try #require(await harness.recorder.reliable.last)
                    let refusal = AgentActionResult(
                        actionMessageID: action.id, actionID: action.id.description, conversationID: "someone-elses",
                        outcome: .refused(.unknownConversation))
                    await harness.coordinator.handle(
                        Envelope(id: MessageID(prefix: 9, counter: UInt64(asked)), message: .agentActionResult(refusal)),
                        from: try #require(await harness.recorder.reliablePeers.last))
                }
                #expect(try await frames.next(type: "error")?["code"] as? String == "notYourConversation")
                try await outbound.send(#"{"type":"setPresence","presence":"On lunch"}"#)
                let away = try await frames.next { frame in
                    frame["type"] as? String == "presence" && (frame["agent"] as? [String: Any])?["basePresence"] as? String == "away"
                }
                #expect(away != nil)
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test func anOffersMessagesAreInItsFrameAndItsAcceptReportsThem() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let peer = DistributorPeer(bytes: [1, 2, 3])
        _ = try await harness.application().test(.live) { client in
            try await client.ws("/agent/ws") { inbound, outbound, _ in
                var frames = FrameReader(inbound)
                try await outbound.send(#"{"type":"hello","agentId":"ada","secret":"ada-secret","presence":"available"}"#)
                _ = try await frames.next(type: "welcome")
                func customer(_ text: String) -> InboundMessage {
                    InboundMessage(
                        channelInstanceID: "custom-main", channelType: "custom", providerMessageID: text, customerAddress: "cust-1",
                        text: text, receivedAtMs: 1_700_000_000_000)
                }
                let offer = Offer(
                    offerID: "o1", conversationID: "c1", agentID: "ada", queue: "billing", workStream: "custom-stream",
                    expiresAtMs: 1_800_000_000_000, kind: .push,
                    messages: [OfferedMessage(sequence: 1, message: customer("hello?")), OfferedMessage(sequence: 2, message: customer("anyone?"))])
                await harness.coordinator.handle(Envelope(id: MessageID(prefix: 7, counter: 1), message: .offer(offer)), from: peer)
                let relayed = try #require(try await frames.next(type: "offer"))
                let carried = try #require(relayed["messages"] as? [[String: Any]])
                #expect(carried.map { $0["text"] as? String } == ["hello?", "anyone?"])
                #expect(carried.map { $0["sequence"] as? Int } == [1, 2])
                #expect(carried.allSatisfy { $0["conversationId"] as? String == "c1" && $0["type"] as? String == "message" })

                try await outbound.send(#"{"type":"accept","offerId":"o1"}"#)
                #expect(await harness.recorder.wait { !$0.reliable.isEmpty })
                guard case .offerReply(let reply)? = await harness.recorder.reliable.first?.message else {
                    Issue.record("not an OfferReply")
                    return
                }
                #expect(reply.messagesThrough == 2, "the accept is the receipt of the messages the frame carried")
                // The distributor took the accept: offerReplied repeats them for the client.
                let replyID = try #require(await harness.recorder.reliable.first?.id)
                await harness.coordinator.handle(Envelope(id: MessageID(prefix: 7, counter: 2), message: .ack(Ack(ackedID: replyID, outcome: .accepted))), from: peer)
                let replied = try #require(try await frames.next(type: "offerReplied"))
                #expect(replied["outcome"] as? String == "accepted")
                #expect((replied["messages"] as? [[String: Any]])?.map { $0["text"] as? String } == ["hello?", "anyone?"])
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test func offerAcceptBecomesAnOfferReplyToTheDistributor() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let peer = DistributorPeer(bytes: [1, 2, 3])
        let offerID = MessageID(prefix: 7, counter: 1)
        _ = try await harness.application().test(.live) { client in
            try await client.ws("/agent/ws") { inbound, outbound, _ in
                var frames = FrameReader(inbound)
                try await outbound.send(#"{"type":"hello","agentId":"ada","secret":"ada-secret","presence":"available"}"#)
                _ = try await frames.next(type: "welcome")
                let offer = Offer(
                    offerID: "o1", conversationID: "c1", agentID: "ada", queue: "billing", workStream: "custom-stream",
                    expiresAtMs: 1_800_000_000_000, summary: ["topic": .text("refund")], kind: .push)
                await harness.coordinator.handle(Envelope(id: offerID, message: .offer(offer)), from: peer)
                let relayed = try #require(try await frames.next(type: "offer"))
                #expect(relayed["offerId"] as? String == "o1")
                #expect((relayed["summary"] as? [String: Any])?["topic"] as? String == "refund")
                #expect(await harness.recorder.sent.last?.message == .ack(Ack(ackedID: offerID, outcome: .accepted)))

                try await outbound.send(#"{"type":"accept","offerId":"o1"}"#)
                #expect(await harness.recorder.wait { !$0.reliable.isEmpty })
                let reply = try #require(await harness.recorder.reliable.first)
                guard case .offerReply(let body) = reply.message else { Issue.record("not an OfferReply"); return }
                #expect(body.offerID == "o1")
                #expect(body.decision == .accept)
                #expect(body.agentID == "ada")
                #expect(body.messagesThrough == 0, "the offer carried no messages")

                await harness.coordinator.handle(Envelope(id: MessageID(prefix: 7, counter: 2), message: .ack(Ack(ackedID: reply.id, outcome: .accepted))), from: peer)
                let replied = try #require(try await frames.next(type: "offerReplied"))
                #expect(replied["outcome"] as? String == "accepted")
                #expect(replied["messages"] == nil, "the offer carried none")

                // Now the conversation is this agent's: a customer message reaches it, an action goes out.
                let inboundMessage = InboundMessage(
                    channelInstanceID: "custom-main", channelType: "custom", providerMessageID: "p1", customerAddress: "cust-1",
                    customerDisplayName: "Alice", text: "hello?", receivedAtMs: 1_700_000_000_000)
                await harness.coordinator.handle(
                    Envelope(id: MessageID(prefix: 7, counter: 3), message: .conversationMessage(ConversationMessage(conversationID: "c1", agentID: "ada", sequence: 1, message: inboundMessage, queue: "billing"))),
                    from: peer)
                let message = try #require(try await frames.next(type: "message"))
                #expect(message["text"] as? String == "hello?")
                #expect((message["customer"] as? [String: Any])?["displayName"] as? String == "Alice")
                try await outbound.send(#"{"type":"hold","conversationId":"c1","requestId":"h1"}"#)
                #expect(await harness.recorder.wait { $0.reliable.count == 2 })
                let action = try #require(await harness.recorder.reliable.last)
                guard case .agentAction(let body) = action.message else { Issue.record("not an AgentAction"); return }
                #expect(body.kind == .hold)
                #expect(body.queue == "billing")
                await harness.coordinator.handle(
                    Envelope(id: MessageID(prefix: 7, counter: 4), message: .agentActionResult(AgentActionResult(actionMessageID: action.id, actionID: body.actionID, agentID: "ada", conversationID: "c1", outcome: .done, conversationState: "Waiting"))),
                    from: peer)
                let result = try #require(try await frames.next(type: "actionResult"))
                #expect(result["requestId"] as? String == "h1")
                #expect(result["conversationState"] as? String == "Waiting")
                try await outbound.close(.normalClosure, reason: nil)
            }
        }
    }

    @Test func anOfferToADisconnectedAgentIsRejected() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let id = MessageID(prefix: 9, counter: 1)
        let offer = Offer(offerID: "o1", conversationID: "c1", agentID: "grace", queue: "billing", workStream: "w", expiresAtMs: 1)
        await harness.coordinator.handle(Envelope(id: id, message: .offer(offer)), from: DistributorPeer(bytes: [9]))
        #expect(await harness.recorder.sent.last?.message == .ack(Ack(ackedID: id, outcome: .rejected(reason: "agent not connected"))))
    }

    @Test func httpPresenceNeedsTheBearerCredentials() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = try await harness.application().test(.live) { client in
            try await client.execute(uri: "/agent/presence", method: .post, headers: [.authorization: "Bearer ada:wrong"], body: ByteBuffer(string: #"{"presence":"away"}"#)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/agent/presence", method: .post, headers: [.authorization: "Bearer ada:ada-secret"], body: ByteBuffer(string: #"{"presence":"On lunch"}"#)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""basePresence":"away""#))
            }
            try await client.execute(uri: "/agent/offers/nope/accept", method: .post, headers: [.authorization: "Bearer ada:ada-secret"]) { response in
                #expect(response.status == .notFound)
            }
        }
    }
}
