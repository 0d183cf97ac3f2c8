import Foundation
import Testing
import Wire

@testable import Router

/// An agent reply goes to the adapter of its channel type, and only that adapter's answer
/// goes back to the distributor (found by the router fuzzer: another adapter's ack for a
/// reply still on its way was passed on).
@Suite(.timeLimit(.minutes(1)))
struct ReplyRelayTests {
    @Test func onlyTheAdapterTheReplyWentToAnswersForIt() async throws {
        try await RouterHarness.with { harness in
            let run = try await harness.start()
            let distributor = try await harness.registeredDistributor(run)
            let chat = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
            let sms = try await harness.peer("ingress-sms", to: run.endpoints.ingress)

            let reply = try await distributor.send(.agentReply(AgentReply(
                conversationID: "c1", channelInstanceID: "web-chat", channelType: "chat", customerAddress: "visitor-1",
                agentID: "ada", text: "hello", sentAtMs: 1)))
            _ = try await chat.next("the reply at ingress-chat") { $0.message.answeredID == nil && $0.id == reply ? true : nil }

            try await sms.send(.agentReplyAck(AgentReplyAck(ackedID: reply, outcome: .duplicate)))
            try await Task.sleep(for: .milliseconds(300))
            try await chat.send(.agentReplyAck(AgentReplyAck(ackedID: reply, outcome: .accepted, providerMessageID: "p-1")))
            let answer = try await distributor.next("AgentReplyAck") { if case .agentReplyAck(let ack) = $0.message, ack.ackedID == reply { ack } else { nil } }
            #expect(answer.outcome == .accepted, "the chat adapter's answer, not the SMS adapter's")
            #expect(answer.providerMessageID == "p-1")

            await chat.close()
            await sms.close()
            await distributor.close()
            try await run.stop()
        }
    }
}
