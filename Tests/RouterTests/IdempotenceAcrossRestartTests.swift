import Foundation
import Testing
import Wire

@testable import Router

/// R3 across a router restart: the journal, not memory, decides what is a duplicate.
@Suite(.timeLimit(.minutes(1)))
struct IdempotenceAcrossRestartTests {
    @Test func aResendAndAProviderRetryAfterARestartAreDuplicatesOfTheSameConversation() async throws {
        let harness = try RouterHarness()
        do {
            let submitID: MessageID
            let conversation: String
            do {
                let run = try await harness.start()
                let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
                submitID = try await ingress.send(RouterHarness.submit(provider: "m1"))
                let ack = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == submitID ? $0.submitAck : nil }
                conversation = try #require(ack.conversationID)
                await ingress.close()
                try await run.stop()
            }

            let run = try await harness.start()
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
            // The adapter never saw the ack: it resends the same id.
            try await ingress.send(RouterHarness.submit(provider: "m1"), id: submitID)
            let resend = try await ingress.next("SubmitAck of the resend") { $0.submitAck?.ackedID == submitID ? $0.submitAck : nil }
            #expect(resend == SubmitAck(ackedID: submitID, outcome: .duplicate, conversationID: conversation))
            // The provider retried and the adapter stored it again: new id, same provider id.
            let retry = try await ingress.send(RouterHarness.submit(provider: "m1"))
            let retried = try await ingress.next("SubmitAck of the retry") { $0.submitAck?.ackedID == retry ? $0.submitAck : nil }
            #expect(retried.outcome == .duplicate && retried.conversationID == conversation)
            // Nothing new to deliver: the one delivery of m1 is all the journal holds.
            #expect(await run.service.health().checks["deliveries.pending"] == "1")

            await ingress.close()
            try await run.stop()
        } catch {
            await harness.shutDown()
            throw error
        }
        await harness.shutDown()
    }
}
