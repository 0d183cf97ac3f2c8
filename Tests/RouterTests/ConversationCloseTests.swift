import Foundation
import Testing
import Wire

@testable import Router

/// R1's second half: after its distributor reports a conversation Closed, the same customer's
/// next message on the same channel instance opens a new conversation.
@Suite(.timeLimit(.minutes(1)))
struct ConversationCloseTests {
    @Test func aClosedConversationTakesNoMoreMessagesAndTheNextOneOpensANewConversation() async throws {
        try await RouterHarness.with { harness in
            let run = try await harness.start()
            let distributor = try await harness.registeredDistributor(run)
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)

            let first = try await ingress.send(RouterHarness.submit(provider: "m1"))
            let opened = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == first ? $0.submitAck : nil }
            let conversation = try #require(opened.conversationID)

            let close = try await distributor.send(.conversationClosed(
                ConversationClosed(conversationID: conversation, queue: "support", reason: .agentClosed)))
            let ack = try await distributor.next("Ack of the close") { $0.ack?.ackedID == close ? $0.ack : nil }
            #expect(ack.outcome == .accepted)
            // A resend (the Ack was lost) is acknowledged again and changes nothing.
            try await distributor.send(.conversationClosed(ConversationClosed(conversationID: conversation)), id: close)
            _ = try await distributor.next("second Ack") { $0.ack?.ackedID == close ? $0.ack : nil }

            let next = try await ingress.send(RouterHarness.submit(provider: "m2"))
            let reopened = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == next ? $0.submitAck : nil }
            #expect(reopened.outcome == .accepted)
            let newConversation = try #require(reopened.conversationID)
            #expect(newConversation != conversation)
            // The new conversation starts over at sequence 1 as a new conversation.
            let (_, deliver) = try await distributor.next("Deliver of m2") {
                $0.deliver?.1.message.providerMessageID == "m2" ? $0.deliver : nil
            }
            #expect(deliver.kind == .newConversation && deliver.conversationSequence == 1)

            // A different customer's conversation was never touched by the close.
            let other = try await ingress.send(RouterHarness.submit(provider: "m3", customer: "visitor-2"))
            let otherAck = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == other ? $0.submitAck : nil }
            #expect(otherAck.conversationID != conversation && otherAck.conversationID != newConversation)

            await ingress.close()
            await distributor.close()
            try await run.stop()
        }
    }
}
