import AgentClient
import Foundation
import SwitchboardTestSupport
import Testing

/// M1, the agent's side: a reply goes agent → presence → distributor → router → ingress-custom
/// → the customer's callback URL, signed; a resend reaches the customer once; and a callback
/// that is down for a while gets the reply when it is back.
@Suite(.serialized) struct AgentReplyTests {
    static let everything: [RunningSystem.Part] = [.router, .presence, .distributor1, .distributor2, .ingressCustom]

    func withActiveConversation(
        callbackUp: Bool, _ body: (RunningSystem, FakeCallbackServer, TestAgent, String) async throws -> Void
    ) async throws {
        let system = try RunningSystem()
        let callback = FakeCallbackServer(port: system.ports.customCallback, sharedSecret: system.secrets["MOBILE_APP_SHARED_SECRET"] ?? "")
        do {
            if callbackUp { callback.start() }
            try system.start(Self.everything)
            try await system.waitHealthy(Self.everything)
            let grace = TestAgent("grace", secret: "grace-secret", system: system, autoAccept: true)
            try await grace.connect()
            #expect(try await system.postMessage(messageID: "question", customer: "customer-42", text: "where is my order?").status == 202)
            try await grace.waitFor("the conversation Active") { events in
                events.contains { if case .offerReplied(_, true, _) = $0 { true } else { false } }
            }
            let conversation = try #require(grace.activeConversations.first)
            try await body(system, callback, grace, conversation)
            grace.disconnect()
        } catch {
            Issue.record("\(error)\n\(system.logTails())")
        }
        callback.stop()
        await system.stopAll()
    }

    static func replyAccepted(_ clientID: String) -> @Sendable ([AgentEvent]) -> Bool {
        { events in events.contains { if case .replyResult(_, clientID, true, _) = $0 { true } else { false } } }
    }

    @Test func aReplyReachesTheCustomersCallbackSignedAndOnceWhenResent() async throws {
        try await withActiveConversation(callbackUp: true) { system, callback, grace, conversation in
            try await grace.session.reply(conversationID: conversation, text: "It ships today.", clientMessageID: "reply-1")
            try await grace.waitFor("replyResult accepted", Self.replyAccepted("reply-1"))
            try await withTimeout(.seconds(15), "the reply at the callback") {
                while callback.replies.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
            }
            let received = try #require(callback.replies.first)
            #expect(received.body["text"] == "It ships today.")
            #expect(received.body["conversationId"] == conversation && received.body["agentId"] == "grace")
            #expect(received.customerID == "customer-42")
            #expect(received.signatureValid, "signed with the channel's shared secret")
            #expect(!received.idempotencyKey.isEmpty && received.idempotencyKey == received.body["replyId"])

            // The console resends the same message (it never saw the result): the customer gets it once.
            try await grace.session.reply(conversationID: conversation, text: "It ships today.", clientMessageID: "reply-1")
            try await Task.sleep(for: .seconds(1))
            #expect(callback.replies.count == 1, "\(callback.replies.map(\.body))")

            // A reply to a conversation the agent does not hold is refused at presence (G5).
            try await grace.session.reply(conversationID: "someone-elses", text: "hi", clientMessageID: "reply-2")
            try await grace.waitFor("notYourConversation") { events in
                events.contains { if case .error("notYourConversation", _) = $0 { true } else { false } }
            }
        }
    }

    @Test func aReplyWaitsWhileTheCallbackIsDownAndIsDeliveredWhenItIsBack() async throws {
        try await withActiveConversation(callbackUp: false) { system, callback, grace, conversation in
            try await grace.session.reply(conversationID: conversation, text: "Sorry for the wait.", clientMessageID: "late-1")
            try await grace.waitFor("replyResult accepted: stored at the adapter", Self.replyAccepted("late-1"))
            try await Task.sleep(for: .milliseconds(1500))  // at least one failed attempt
            callback.start()
            try await withTimeout(.seconds(20), "the reply after the callback came back") {
                while callback.replies.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(callback.replies.count == 1 && callback.replies.first?.body["text"] == "Sorry for the wait.")
            let metrics = try await system.get("http://127.0.0.1:\(system.ports.ingressCustomHTTP)/metrics").body
            #expect(metrics.contains(#"switchboard_ingress_reply_attempts_total{channel_type="custom",outcome="retry"}"#), "\(metrics)")
        }
    }
}
