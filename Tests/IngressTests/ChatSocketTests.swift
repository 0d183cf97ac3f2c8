import Foundation
import HTTPTypes
import HummingbirdTesting
import HummingbirdWSTesting
import HummingbirdWebSocket
import NIOCore
import Synchronization
import Testing
import Wire

@testable import Ingress

/// The chat WebSocket (docs/channels/chat.md) over a live server on loopback and a real
/// client, storing into a real outbox.
@Suite(.timeLimit(.minutes(1))) struct ChatSocketTests {
    @Test func preChatAnswersBecomeTypedContextOfTheStoredMessage() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        let token = Shared("")
        _ = try await chat.application.test(.live) { client in
            try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await outbound.send(ChatVisitor.hello)
                let welcome = try await frames.expect("welcome")
                #expect(welcome["resumed"] as? Bool == false && welcome["started"] as? Bool == false)
                #expect((welcome["channel"] as? [String: Any])?["title"] as? String == "Northwind help")
                let fields = try #require((welcome["form"] as? [String: Any])?["fields"] as? [[String: Any]])
                #expect(fields.map { $0["name"] as? String } == ["customerTier", "orderTotal", "topic"])
                #expect(fields.map { $0["type"] as? String } == ["text", "number", "text"])
                #expect(fields.first?["displayName"] as? String == "Customer tier")
                let issued = try #require(welcome["visitorToken"] as? String)
                #expect(VisitorToken(issued) != nil)
                token.value = issued

                try await outbound.send(ChatVisitor.start)
                let started = try await frames.expect("started")
                #expect((started["visitor"] as? [String: Any])?["name"] as? String == "Ada Example")
                try await outbound.send(ChatVisitor.message("m-1"))
                let ack = try await frames.expect("ack")
                #expect(ack["clientMessageId"] as? String == "m-1" && ack["duplicate"] as? Bool == false)
            }
        }
        let stored = try await chat.storedMessages()
        #expect(stored.count == 1)
        let message = try #require(stored.first)
        let key = try #require(VisitorToken(token.value)).key
        #expect(message.customerAddress == key && key.count == 64 && !key.contains(token.value))
        #expect(message.providerMessageID == "\(key):m-1" && message.clientMessageID == "m-1")
        #expect(message.channelInstanceID == "web-chat" && message.channelType == "chat")
        #expect(message.customerDisplayName == "Ada Example" && message.text == "Where is my order?")
        #expect(message.context == ["customerTier": .text("gold"), "orderTotal": .number(120.5), "topic": .text("invoice")])
        #expect(message.channelData["chat.pageUrl"] == "https://shop.northwind.example/cart?id=7")
        #expect(message.channelData["chat.email"] == "ada@example.com")
        #expect(message.channelData["chat.origin"] == nil, "this client sent no Origin")
        #expect(message.locale == "en-GB")
    }

    @Test func aResendWithTheSameClientMessageIdIsStoredOnceAndAcknowledgedAsDuplicate() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        _ = try await chat.application.test(.live) { client in
            try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await frames.begin(outbound)
                for expected in [false, true, true] {
                    try await outbound.send(ChatVisitor.message("same-id"))
                    let ack = try await frames.expect("ack")
                    #expect(ack["duplicate"] as? Bool == expected)
                }
                try await outbound.send(ChatVisitor.message("other-id", "Another question"))
                #expect(try await frames.expect("ack")["duplicate"] as? Bool == false)
            }
        }
        let stored = try await chat.storedMessages()
        #expect(stored.map(\.clientMessageID) == ["same-id", "other-id"])
    }

    @Test func malformedFramesGetClearErrorsAndStoreNothing() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        let longText = String(repeating: "x", count: ChatClientFrame.maximumTextBytes + 1)
        let badFrames: [(frame: String, code: String)] = [
            ("not json", "malformed"),
            ("[1,2]", "malformed"),
            (#"{"text":"no type"}"#, "malformed"),
            (#"{"type":"teleport"}"#, "unknownType"),
            (#"{"type":"message","clientMessageId":"m-1","text":"before the form"}"#, "notStarted"),
            (#"{"type":"start","answers":{"orderTotal":"a lot"}}"#, "badAnswer"),
            (#"{"type":"start","answers":{"shoeSize":"42"}}"#, "badAnswer"),
            (#"{"type":"start","email":"not an address"}"#, "badAnswer"),
            (#"{"type":"start","answers":["gold"]}"#, "malformed"),
            (#"{"type":"hello"}"#, "malformed"),
        ]
        _ = try await chat.application.test(.live) { client in
            try await client.ws("/chat/web-chat/ws", configuration: ChatVisitor.client) { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await outbound.send(ChatVisitor.hello)
                _ = try await frames.expect("welcome")
                for (frame, code) in badFrames {
                    try await outbound.send(text: frame)
                    let error = try await frames.expect("error")
                    #expect(error["code"] as? String == code, "\(frame): \(error)")
                    #expect((error["reason"] as? String)?.isEmpty == false)
                }
                let badNumber = try #require(try await Self.errorFor(#"{"type":"start","answers":{"orderTotal":"12,5"}}"#, outbound, &frames))
                #expect(badNumber["field"] as? String == "orderTotal")
                try await outbound.write(.binary(ByteBuffer(bytes: [1, 2, 3])))
                #expect(try await frames.expect("error")["code"] as? String == "unsupportedFrame")

                // Started now; then bad messages.
                try await outbound.send(ChatVisitor.start)
                _ = try await frames.expect("started")
                let messageErrors: [([String: Any], String)] = [
                    (ChatVisitor.message("has space"), "badClientMessageId"),
                    (ChatVisitor.message(String(repeating: "a", count: 65)), "badClientMessageId"),
                    (["type": "message", "text": "no id"], "badClientMessageId"),
                    (ChatVisitor.message("m-long", longText), "tooLarge"),
                    (ChatVisitor.message("m-blank", "  \n "), "emptyMessage"),
                    (["type": "message", "clientMessageId": "m-num", "text": 42], "malformed"),
                ]
                for (frame, code) in messageErrors {
                    try await outbound.send(frame)
                    let error = try await frames.expect("error")
                    #expect(error["code"] as? String == code, "\(frame): \(error)")
                }
                // The socket still serves: a good message goes through.
                try await outbound.send(ChatVisitor.message("m-good"))
                #expect(try await frames.expect("ack")["clientMessageId"] as? String == "m-good")
            }
        }
        #expect(try await chat.storedMessages().map(\.clientMessageID) == ["m-good"])
        let metrics = try await chat.application.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
        }
        #expect(metrics.contains(#"switchboard_ingress_rejected_total{channel_type="chat",reason="too_large"} 1"#), "\(metrics)")
    }

    private static func errorFor(_ frame: String, _ outbound: WebSocketOutboundWriter, _ frames: inout ChatFrames) async throws -> [String: Any]? {
        try await outbound.send(text: frame)
        return try await frames.next()
    }

    @Test func aFrameOverTheLimitClosesTheSocketAndStoresNothing() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        let huge = String(repeating: "y", count: ChatSocketHandler.maximumFrameBytes + 1024)
        _ = try await chat.application.test(.live) { client in
            let close = try await client.ws("/chat/web-chat/ws", configuration: ChatVisitor.client) { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await frames.begin(outbound)
                try await outbound.send(ChatVisitor.message("m-huge", huge))
                #expect(try await frames.next() == nil, "closed")
            }
            #expect(close?.closeCode == .messageTooLarge)
        }
        #expect(try await chat.storedMessages().isEmpty)
    }

    @Test func noHelloOrABadOneIsRefusedAndClosed() async throws {
        let chat = try ChatFixture(helloTimeout: .milliseconds(300))
        defer { chat.remove() }
        _ = try await chat.application.test(.live) { client in
            try await client.ws("/chat/web-chat/ws") { inbound, _, _ in
                var frames = ChatFrames(inbound)
                let refusal = try await frames.expect("error")
                #expect(refusal["code"] as? String == "helloRequired")
                #expect(try await frames.next() == nil)
            }
            let close = try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await outbound.send(ChatVisitor.hello(token: "not-a-token"))
                #expect(try await frames.expect("error")["code"] as? String == "invalidToken")
                #expect(try await frames.next() == nil)
            }
            #expect(close?.closeCode == .policyViolation)
            try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await outbound.send(ChatVisitor.message("m-1"))
                #expect(try await frames.expect("error")["code"] as? String == "helloRequired")
            }
        }
        #expect(try await chat.storedMessages().isEmpty)
    }

    @Test func twoTabsOfOneVisitorBothSeeTheConversation() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        _ = try await chat.application.test(.live) { client in
            try await client.ws("/chat/web-chat/ws") { inbound, first, _ in
                var firstFrames = ChatFrames(inbound)
                let token = try await firstFrames.begin(first)
                let key = try #require(VisitorToken(token)).key
                try await client.ws("/chat/web-chat/ws") { inbound, second, _ in
                    var frames = ChatFrames(inbound)
                    try await second.send(ChatVisitor.hello(token: token))
                    #expect(try await frames.expect("welcome")["resumed"] as? Bool == true)
                    try await first.send(ChatVisitor.message("from-tab-1", "Typed in the first tab"))
                    let echoed = try await frames.expect("message")
                    #expect(echoed["id"] as? String == "from-tab-1" && echoed["text"] as? String == "Typed in the first tab")
                    let reply = MessageID(prefix: 7, counter: 9)
                    #expect(await chat.sender.send(ChatFixture.reply(to: key, text: "To both tabs"), replyID: reply) == .sent(providerMessageID: reply.description))
                    _ = try await frames.expect("agentJoined")
                    #expect(try await frames.expect("reply")["text"] as? String == "To both tabs")
                }
                #expect(try await firstFrames.expect("ack")["clientMessageId"] as? String == "from-tab-1", "no echo to the sending tab")
                _ = try await firstFrames.expect("agentJoined")
                #expect(try await firstFrames.expect("reply")["text"] as? String == "To both tabs")
            }
        }
    }

    @Test func reconnectingWithTheTokenResumesTheVisitorAndTheConversation() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        let token = Shared("")
        _ = try await chat.application.test(.live) { client in
            try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                let issued = try await frames.begin(outbound)
                token.value = issued
                try await outbound.send(ChatVisitor.message("first", "Hello?"))
                _ = try await frames.expect("ack")
            }
            let issued = token.value
            try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await outbound.send(ChatVisitor.hello(token: issued))
                let welcome = try await frames.expect("welcome")
                #expect(welcome["visitorToken"] as? String == issued)
                #expect(welcome["resumed"] as? Bool == true && welcome["started"] as? Bool == true, "no form again")
                let transcript = try #require(welcome["transcript"] as? [[String: Any]])
                #expect(transcript.map { $0["type"] as? String } == ["message"])
                #expect(transcript.first?["text"] as? String == "Hello?" && transcript.first?["id"] as? String == "first")
                try await outbound.send(ChatVisitor.message("second", "Still there?"))
                _ = try await frames.expect("ack")
            }
            // A well-formed token the server never issued is replaced, not adopted.
            let stranger = VisitorToken.random().text
            try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await outbound.send(ChatVisitor.hello(token: stranger))
                let welcome = try await frames.expect("welcome")
                #expect(welcome["resumed"] as? Bool == false && welcome["visitorToken"] as? String != stranger)
            }
        }
        let stored = try await chat.storedMessages()
        #expect(stored.map(\.clientMessageID) == ["first", "second"])
        #expect(Set(stored.map(\.customerAddress)).count == 1, "the same customer: R1 keeps one conversation")
        #expect(stored.last?.context["customerTier"] == .text("gold"), "the answers are remembered")
    }
}
