import Foundation
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import Storage
import Synchronization
import Testing
import Wire

@testable import Ingress

/// Agent replies to chat visitors (M1): pushed to the visitor's socket, retried while the
/// visitor is away and sent as soon as they come back.
@Suite(.timeLimit(.minutes(1))) struct ChatReplyTests {
    @Test func aReplyReachesTheConnectedVisitorAfterAnAgentJoinedLine() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        _ = try await chat.application.test(.live) { client in
            try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                let key = try #require(VisitorToken(try await frames.begin(outbound))).key

                let first = MessageID(prefix: 7, counter: 1)
                #expect(await chat.sender.send(ChatFixture.reply(to: key, text: "Hi, I'm Ada."), replyID: first) == .sent(providerMessageID: first.description))
                let joined = try await frames.expect("agentJoined")
                #expect(joined["agentId"] as? String == "ada" && joined["agentName"] as? String == "Ada Lovelace")
                let reply = try await frames.expect("reply")
                #expect(reply["text"] as? String == "Hi, I'm Ada." && reply["id"] as? String == first.description)

                // The same agent again: no second "joined"; a resend of the same id is pushed
                // again (the page shows an id once) but stored once.
                let second = MessageID(prefix: 7, counter: 2)
                #expect(await chat.sender.send(ChatFixture.reply(to: key, text: "Your order ships today."), replyID: second) == .sent(providerMessageID: second.description))
                #expect(try await frames.expect("reply")["text"] as? String == "Your order ships today.")
                _ = await chat.sender.send(ChatFixture.reply(to: key, text: "Your order ships today."), replyID: second)
                #expect(try await frames.expect("reply")["id"] as? String == second.description)
                let transcript = try await chat.hub.store.transcript(channelID: "web-chat", key: key, limit: 10)
                #expect(transcript.map(\.itemID) == [first.description, second.description])
                #expect(transcript.map(\.announcesAgent) == [true, false])
            }
        }
    }

    @Test func aReplyToAVisitorWhoIsNotConnectedIsRetryableAndToAnUnknownChannelPermanent() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        let id = MessageID(prefix: 7, counter: 1)
        let away = await chat.sender.send(ChatFixture.reply(to: VisitorToken.random().key, text: "Hello?"), replyID: id)
        guard case .retryable = away else {
            Issue.record("expected retryable, got \(away)")
            return
        }
        var unknown = ChatFixture.reply(to: "someone", text: "Hello?")
        unknown.channelInstanceID = "no-such-chat"
        guard case .permanent = await chat.sender.send(unknown, replyID: id) else {
            Issue.record("expected permanent")
            return
        }
    }

    @Test func aReplyThatWaitedIsSentAsSoonAsTheVisitorReconnectsWithTheTranscript() async throws {
        let chat = try ChatFixture(backoff: .seconds(120))
        defer { chat.remove() }
        let dispatcher = Task { try await chat.dispatcher.run() }
        let token = Shared("")
        _ = try await chat.application.test(.live) { client in
            try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                let issued = try await frames.begin(outbound)
                token.value = issued
                try await outbound.close(.normalClosure, reason: nil)
            }
            let key = try #require(VisitorToken(token.value)).key
            // The router hands over a reply while the visitor is away: one attempt, then a
            // 120 s back-off.
            let replyID = MessageID(prefix: 8, counter: 1)
            let answer = await chat.intake.take(ChatFixture.reply(to: key, text: "Sorry for the wait."), id: replyID)
            guard case .agentReplyAck(let ack)? = answer?.message else {
                Issue.record("no AgentReplyAck: \(String(describing: answer))")
                return
            }
            #expect(ack.outcome == .accepted)
            #expect(try await ForwarderTests.eventually { try await chat.replyStore.reply(replyID.bytes)?.attempts == 1 }, "one failed attempt")
            #expect(try await chat.replyStore.reply(replyID.bytes)?.state == .pending)

            try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await outbound.send(ChatVisitor.hello(token: token.value))
                let welcome = try await frames.expect("welcome")
                #expect((welcome["transcript"] as? [Any])?.isEmpty == true)
                // Not after the back-off: now.
                _ = try await frames.expect("agentJoined")
                #expect(try await frames.expect("reply")["text"] as? String == "Sorry for the wait.")
            }
            #expect(try await ForwarderTests.eventually { try await chat.replyStore.reply(replyID.bytes)?.state == .sent })
            // A third visit shows it in the transcript.
            try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await outbound.send(ChatVisitor.hello(token: token.value))
                let transcript = try #require(try await frames.expect("welcome")["transcript"] as? [[String: Any]])
                #expect(transcript.map { $0["type"] as? String } == ["agentJoined", "reply"])
            }
        }
        // Stops when cancelled, not at its next timer two minutes away (the suite's time limit).
        dispatcher.cancel()
        _ = try? await dispatcher.value
    }
}
