import Foundation
import Testing
import Wire

@testable import Router

/// D8 across distributors at the router: a conversation transferred to another owner's queue
/// reaches that owner whole (under new ids), and later messages follow it.
@Suite(.timeLimit(.minutes(1)))
struct TransferTests {
    @Test func aTransferredConversationGoesWholeToTheNewQueuesOwnerAndLaterMessagesFollow() async throws {
        let harness = try RouterHarness()
        do {
            let run = try await harness.start()
            let support = try await harness.peer("distributor-2", to: run.endpoints.distributor)
            try await support.send(.ready(Ready(distributor: "distributor-2", queues: ["support", "social"])))
            _ = try await support.next("ReadyAccepted") { $0.readyAccepted }
            let billing = try await harness.peer("distributor-1", to: run.endpoints.distributor)
            try await billing.send(.ready(Ready(distributor: "distributor-1", queues: ["vip", "billing"])))
            _ = try await billing.next("ReadyAccepted") { $0.readyAccepted }
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)

            try await ingress.send(RouterHarness.submit(provider: "m1"))
            try await ingress.send(RouterHarness.submit(provider: "m2"))
            var firstIDs: [MessageID] = []
            var conversation = ""
            for sequence in 1...2 {
                let (id, deliver) = try await support.next("Deliver \(sequence)") { $0.deliver?.1.conversationSequence == UInt64(sequence) ? $0.deliver : nil }
                try await support.send(.deliverAck(DeliverAck(ackedID: id, outcome: .accepted)))
                firstIDs.append(id)
                conversation = deliver.conversationID
            }

            let transfer = try await support.send(.conversationTransferred(
                ConversationTransferred(conversationID: conversation, fromQueue: "support", toQueue: "billing", agentID: "grace")))
            let ack = try await support.next("Ack of the transfer") { $0.ack?.ackedID == transfer ? $0.ack : nil }
            #expect(ack.outcome == .accepted)

            var moved: [(MessageID, Deliver)] = []
            for sequence in 1...2 {
                moved.append(try await billing.next("moved Deliver \(sequence)") {
                    $0.deliver?.1.conversationSequence == UInt64(sequence) ? $0.deliver : nil
                })
            }
            #expect(moved.allSatisfy { $0.1.queue == "billing" && $0.1.conversationID == conversation })
            #expect(Set(moved.map(\.0)).isDisjoint(with: firstIDs), "new ids for the new owner")
            #expect(moved.map(\.1.message.providerMessageID) == ["m1", "m2"])
            for (id, _) in moved { try await billing.send(.deliverAck(DeliverAck(ackedID: id, outcome: .accepted))) }

            // The customer writes again: it follows the conversation to billing.
            try await ingress.send(RouterHarness.submit(provider: "m3"))
            let (_, third) = try await billing.next("Deliver 3") { $0.deliver?.1.conversationSequence == 3 ? $0.deliver : nil }
            #expect(third.queue == "billing" && third.conversationID == conversation)

            // An unknown target queue is refused.
            let bad = try await support.send(.conversationTransferred(ConversationTransferred(conversationID: conversation, toQueue: "nope")))
            let refused = try await support.next("refusal") { $0.ack?.ackedID == bad ? $0.ack : nil }
            #expect(refused.outcome == .rejected(reason: "unknown queue nope"))

            await ingress.close()
            await support.close()
            await billing.close()
            try await run.stop()
        } catch {
            await harness.shutDown()
            throw error
        }
        await harness.shutDown()
    }
}
