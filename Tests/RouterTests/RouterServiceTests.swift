import Foundation
import Messaging
import Testing
import Wire

@testable import Router

/// The router's services in-process with real sockets (loopback TCP), real SQLite in a temp
/// directory, and hand-made DEALER peers speaking Wire.
@Suite(.timeLimit(.minutes(1)))
struct RouterServiceTests {
    func withHarness(_ body: (RouterHarness) async throws -> Void) async throws {
        try await RouterHarness.with(body)
    }

    @Test func aSubmitIsAcknowledgedWithAConversationAndRepeatsAreDuplicates() async throws {
        try await withHarness { harness in
            let run = try await harness.start()
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)

            let first = try await ingress.send(RouterHarness.submit(provider: "m1"))
            let accepted = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == first ? $0.submitAck : nil }
            #expect(accepted.outcome == .accepted)
            let conversation = try #require(accepted.conversationID)

            // The adapter's resend: same id.
            try await ingress.send(RouterHarness.submit(provider: "m1"), id: first)
            let again = try await ingress.next("duplicate SubmitAck") { $0.submitAck?.ackedID == first ? $0.submitAck : nil }
            #expect(again == SubmitAck(ackedID: first, outcome: .duplicate, conversationID: conversation))

            // A provider retry stored twice by the adapter: new id, same provider message id.
            let stored = try await ingress.send(RouterHarness.submit(provider: "m1"))
            let providerRetry = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == stored ? $0.submitAck : nil }
            #expect(providerRetry.outcome == .duplicate && providerRetry.conversationID == conversation)

            // The same customer's next message joins the conversation (R1).
            let next = try await ingress.send(RouterHarness.submit(provider: "m2"))
            let joined = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == next ? $0.submitAck : nil }
            #expect(joined.outcome == .accepted && joined.conversationID == conversation)

            await ingress.close()
            try await run.stop()
        }
    }

    @Test func aSubmitForAnUnknownChannelIsRejected() async throws {
        try await withHarness { harness in
            let run = try await harness.start()
            let ingress = try await harness.peer("ingress-custom", to: run.endpoints.ingress)
            let id = try await ingress.send(RouterHarness.submit(provider: "m1", channel: "nope", type: "custom"))
            let ack = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == id ? $0.submitAck : nil }
            #expect(ack.outcome == .rejected(reason: "unknown channel instance 'nope'"))
            #expect(ack.conversationID == nil)
            await ingress.close()
            try await run.stop()
        }
    }

    @Test func aRegisteredDistributorGetsDeliveriesInSequenceAndItsAcksClearThem() async throws {
        try await withHarness { harness in
            let run = try await harness.start()
            let distributor = try await harness.peer("distributor-2", to: run.endpoints.distributor)
            let ready = try await distributor.send(.ready(Ready(distributor: "distributor-2", queues: ["support", "social"])))
            let accepted = try await distributor.next("ReadyAccepted") { $0.readyAccepted }
            #expect(accepted.readyID == ready && accepted.queues == ["support", "social"])

            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
            // No customer tier: rule anonymous-visitors, queue support.
            try await ingress.send(RouterHarness.submit(provider: "m1"))
            try await ingress.send(RouterHarness.submit(provider: "m2"))
            let (firstID, first) = try await distributor.next("Deliver 1") { $0.deliver?.1.conversationSequence == 1 ? $0.deliver : nil }
            let (secondID, second) = try await distributor.next("Deliver 2") { $0.deliver?.1.conversationSequence == 2 ? $0.deliver : nil }
            #expect(first.kind == .newConversation && first.queue == "support" && first.workStream == "retail-chat")
            #expect(first.routingRule == "anonymous-visitors")
            #expect(first.message.providerMessageID == "m1")
            #expect(first.context["channel.id"] == .text("web-chat"))
            #expect(second.kind == .followUp && second.conversationID == first.conversationID)

            #expect(await run.service.health().checks["deliveries.pending"] == "2")
            try await distributor.send(.deliverAck(DeliverAck(ackedID: firstID, outcome: .accepted)))
            try await distributor.send(.deliverAck(DeliverAck(ackedID: secondID, outcome: .duplicate)))
            try await eventually("deliveries cleared") { await run.service.health().checks["deliveries.pending"] == "0" }

            await ingress.close()
            await distributor.close()
            try await run.stop()
        }
    }

    @Test func aGoldCustomerWithABigOrderIsRoutedByTheFirstMatchingRule() async throws {
        try await withHarness { harness in
            let run = try await harness.start()
            let distributor = try await harness.peer("distributor-1", to: run.endpoints.distributor)
            try await distributor.send(.ready(Ready(distributor: "distributor-1", queues: ["vip", "billing"])))
            _ = try await distributor.next("ReadyAccepted") { $0.readyAccepted }
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
            try await ingress.send(RouterHarness.submit(
                provider: "m1", context: ["customerTier": .text("GOLD"), "orderTotal": .number(1500), "topic": .text("billing")]))
            let (_, deliver) = try await distributor.next("Deliver") { $0.deliver }
            #expect(deliver.queue == "vip" && deliver.routingRule == "vip-billing")
            await ingress.close()
            await distributor.close()
            try await run.stop()
        }
    }

    @Test func aSecondReadyForAnOwnedQueueIsRefused() async throws {
        try await withHarness { harness in
            let run = try await harness.start()
            let owner = try await harness.peer("distributor-2", to: run.endpoints.distributor)
            try await owner.send(.ready(Ready(distributor: "distributor-2", queues: ["support", "social"])))
            _ = try await owner.next("ReadyAccepted") { $0.readyAccepted }

            let standby = try await harness.peer("distributor-standby", to: run.endpoints.distributor)
            let ready = try await standby.send(.ready(Ready(distributor: "distributor-standby", queues: ["support"])))
            let refused = try await standby.next("ReadyRefused") { $0.readyRefused }
            #expect(refused == ReadyRefused(
                readyID: ready, reason: .queueOwned, detail: "queues owned by a live distributor",
                conflictingQueues: ["support"], currentOwner: "distributor-2"))

            let unknown = try await standby.send(.ready(Ready(distributor: "distributor-standby", queues: ["gold"])))
            let refusedUnknown = try await standby.next("ReadyRefused") { $0.readyRefused }
            #expect(refusedUnknown.readyID == unknown && refusedUnknown.reason == .unknownQueue && refusedUnknown.conflictingQueues == ["gold"])

            await owner.close()
            await standby.close()
            try await run.stop()
        }
    }

    @Test func aPeerThatNeverRegisteredIsToldToDisconnect() async throws {
        try await withHarness { harness in
            let run = try await harness.start()
            // Only heartbeats, as a distributor does when the router restarted under it.
            let stranger = try await harness.peer("distributor-1", to: run.endpoints.distributor)
            let disconnect = try await stranger.next("Disconnect") { $0.disconnect }
            #expect(disconnect.sender == "router")
            await stranger.close()
            try await run.stop()
        }
    }

    @Test func aPendingDeliverySurvivesARestartAndGoesOnceToTheNextDistributor() async throws {
        try await withHarness { harness in
            let conversation: String
            do {
                let run = try await harness.start()
                let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
                let id = try await ingress.send(RouterHarness.submit(provider: "m1"))
                let ack = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == id ? $0.submitAck : nil }
                conversation = try #require(ack.conversationID)
                await ingress.close()
                try await run.stop()
            }

            let run = try await harness.start()
            #expect(await run.service.health().checks["deliveries.pending"] == "1")
            let distributor = try await harness.registeredDistributor(run)
            let (deliveryID, deliver) = try await distributor.next("recovered Deliver") { $0.deliver }
            #expect(deliver.conversationID == conversation && deliver.conversationSequence == 1 && deliver.kind == .newConversation)
            try await distributor.send(.deliverAck(DeliverAck(ackedID: deliveryID, outcome: .accepted)))
            try await eventually("delivery cleared") { await run.service.health().checks["deliveries.pending"] == "0" }
            // Once: nothing else arrives (resends would come after 2 s; the ack stopped them).
            try await Task.sleep(for: .milliseconds(300))
            #expect(await distributor.all { $0.deliver }.isEmpty)
            await distributor.close()
            try await run.stop()
        }
    }

    @Test func whenTheOwnerDiesItsUnackedDeliveryGoesToTheNextDistributorWithTheSameID() async throws {
        try await withHarness { harness in
            // Death in 2 s of silence: the harness's patient default (10 s) is as long as the
            // wait for the queue to be freed below.
            let run = try await harness.start(linkSettings: LinkSettings(heartbeatInterval: .milliseconds(200), missedHeartbeatsBeforeDead: 10))
            let first = try await harness.peer("distributor-2", to: run.endpoints.distributor)
            try await first.send(.ready(Ready(distributor: "distributor-2", queues: ["support"])))
            _ = try await first.next("ReadyAccepted") { $0.readyAccepted }
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
            try await ingress.send(RouterHarness.submit(provider: "m1"))
            let (deliveryID, _) = try await first.next("Deliver") { $0.deliver }
            await first.close()  // killed before it acked: heartbeats stop

            try await eventually("queue freed") { await run.service.health().checks["queues.unowned"]?.contains("support") == true }
            let standby = try await harness.peer("distributor-standby", to: run.endpoints.distributor)
            try await standby.send(.ready(Ready(distributor: "distributor-standby", queues: ["support"])))
            _ = try await standby.next("ReadyAccepted") { $0.readyAccepted }
            let (resentID, resent) = try await standby.next("Deliver") { $0.deliver }
            #expect(resentID == deliveryID && resent.conversationSequence == 1)
            await ingress.close()
            await standby.close()
            try await run.stop()
        }
    }
}
