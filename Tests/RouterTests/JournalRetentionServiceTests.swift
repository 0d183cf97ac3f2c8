import Foundation
import Testing
import Wire

@testable import Router

/// R3's window (decisions §33): the router forgets a closed conversation once the window is
/// past it, and a provider id it held is then new again.
@Suite(.timeLimit(.minutes(1)))
struct JournalRetentionServiceTests {
    @Test func aClosedConversationIsADuplicateInsideTheWindowAndForgottenAfterIt() async throws {
        try await RouterHarness.with { harness in
            let run = try await harness.start()
            let distributor = try await harness.registeredDistributor(run)
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)

            let first = try await ingress.send(RouterHarness.submit(provider: "m1"))
            let opened = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == first ? $0.submitAck : nil }
            let conversation = try #require(opened.conversationID)
            let (deliverID, _) = try await distributor.next("Deliver of m1") { $0.deliver }
            try await distributor.send(.deliverAck(DeliverAck(ackedID: deliverID, outcome: .accepted)))
            // An open conversation is never forgotten, however old.
            try await eventually("the DeliverAck recorded") { (try? await run.service.journal.pendingDeliveryCount()) == 0 }
            #expect(await run.service.forgetClosedConversations(closedBeforeMs: RouterService.nowMs() + 60_000) == 0)

            let close = try await distributor.send(.conversationClosed(
                ConversationClosed(conversationID: conversation, queue: "support", reason: .agentClosed)))
            _ = try await distributor.next("Ack of the close") { $0.ack?.ackedID == close ? $0.ack : nil }

            // Inside the window the provider's retry changes nothing.
            let retry = try await ingress.send(RouterHarness.submit(provider: "m1"))
            let duplicate = try await ingress.next("SubmitAck of the retry") { $0.submitAck?.ackedID == retry ? $0.submitAck : nil }
            #expect(duplicate.outcome == .duplicate && duplicate.conversationID == conversation)
            // A cutoff before the close keeps it.
            #expect(await run.service.forgetClosedConversations(closedBeforeMs: RouterService.nowMs() - 60_000) == 0)

            #expect(await run.service.forgetClosedConversations(closedBeforeMs: RouterService.nowMs() + 1) == 1)
            #expect(try await run.service.journal.conversation(id: conversation) == nil)
            let late = try await ingress.send(RouterHarness.submit(provider: "m1"))
            let reopened = try await ingress.next("SubmitAck of the late retry") { $0.submitAck?.ackedID == late ? $0.submitAck : nil }
            #expect(reopened.outcome == .accepted && reopened.conversationID != conversation)

            await ingress.close()
            await distributor.close()
            try await run.stop()
        }
    }
}
