import Foundation
import Testing
import Wire

@testable import Router

/// What changes the journal counts only from a registered distributor (decisions §31): a close
/// or a DeliverAck from a peer that has not said Ready (a stale process, a router that has
/// just restarted, a foreign peer) is dropped unanswered, so its sender keeps it and sends it
/// again once registered.
@Suite(.timeLimit(.minutes(1)))
struct UnregisteredPeerTests {
    @Test func aCloseFromAnUnregisteredPeerChangesNothingUntilItsReadyIsAccepted() async throws {
        try await RouterHarness.with { harness in
            let run = try await harness.start()
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
            let distributor = try await harness.peer("distributor-2", to: run.endpoints.distributor)
            let first = try await ingress.send(RouterHarness.submit(provider: "m1"))
            let conversation = try #require(try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == first ? $0.submitAck : nil }.conversationID)

            // Not registered yet: the close is dropped. The Ready for an unknown queue after it
            // is answered on the same link, so once its refusal is here the close was handled.
            let close = try await distributor.send(.conversationClosed(ConversationClosed(conversationID: conversation, queue: "support")))
            try await distributor.send(.conversationTransferred(ConversationTransferred(conversationID: conversation, fromQueue: "support", toQueue: "social")))
            let probe = try await distributor.send(.ready(Ready(distributor: "distributor-2", queues: ["no-such-queue"])))
            _ = try await distributor.next("ReadyRefused") { $0.message.answeredID == probe ? true : nil }
            #expect(await distributor.all { $0.ack }.isEmpty, "neither the close nor the transfer is answered")
            _ = try await distributor.next("Disconnect: send Ready") { $0.disconnect }

            // The conversation is still open: the customer's next message joins it.
            let second = try await ingress.send(RouterHarness.submit(provider: "m2"))
            let joined = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == second ? $0.submitAck : nil }
            #expect(joined.conversationID == conversation)

            // Registered, the same close (its sender's resend) is taken and acknowledged.
            try await distributor.send(.ready(Ready(distributor: "distributor-2", queues: ["support", "social"])))
            _ = try await distributor.next("ReadyAccepted") { $0.readyAccepted }
            try await distributor.send(.conversationClosed(ConversationClosed(conversationID: conversation, queue: "support")), id: close)
            let ack = try await distributor.next("Ack of the close") { $0.ack?.ackedID == close ? $0.ack : nil }
            #expect(ack.outcome == .accepted)
            let third = try await ingress.send(RouterHarness.submit(provider: "m3"))
            let reopened = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == third ? $0.submitAck : nil }
            #expect(reopened.conversationID != conversation)

            await ingress.close()
            await distributor.close()
            try await run.stop()
        }
    }

    @Test func aDeliverAckFromAPeerThatDoesNotOwnTheQueueLeavesTheDeliveryPending() async throws {
        try await RouterHarness.with { harness in
            let run = try await harness.start()
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
            let owner = try await harness.peer("distributor-2", to: run.endpoints.distributor)
            let stranger = try await harness.peer("distributor-x", to: run.endpoints.distributor)
            try await owner.send(.ready(Ready(distributor: "distributor-2", queues: ["support", "social"])))
            _ = try await owner.next("ReadyAccepted") { $0.readyAccepted }
            try await ingress.send(RouterHarness.submit(provider: "m1"))
            let (delivery, _) = try await owner.next("Deliver of m1") { $0.deliver?.1.message.providerMessageID == "m1" ? $0.deliver : nil }

            try await stranger.send(.deliverAck(DeliverAck(ackedID: delivery, outcome: .accepted)))
            let probe = try await stranger.send(.ready(Ready(distributor: "distributor-x", queues: ["no-such-queue"])))
            _ = try await stranger.next("ReadyRefused") { $0.message.answeredID == probe ? true : nil }

            // Still pending: the owner's next registration brings it again.
            try await owner.send(.disconnect(Disconnect(sender: "distributor-2", reason: .shutdown)))
            try await owner.send(.ready(Ready(distributor: "distributor-2", queues: ["support", "social"])))
            _ = try await owner.next("ReadyAccepted again") { $0.readyAccepted }
            let (again, _) = try await owner.next("Deliver of m1 again") { $0.deliver?.1.message.providerMessageID == "m1" ? $0.deliver : nil }
            #expect(again == delivery)

            await ingress.close()
            await owner.close()
            await stranger.close()
            try await run.stop()
        }
    }
}
