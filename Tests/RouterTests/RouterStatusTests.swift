import Foundation
import ProcessRuntime
import Testing
import Wire

@testable import Router

/// The router's `/status` document, from a running router: owners from the registrations,
/// pending counts from the journal.
@Suite(.timeLimit(.minutes(1)))
struct RouterStatusTests {
    @Test func statusNamesEachQueuesOwnerAndTheDeliveriesItHasNotAcknowledged() async throws {
        let harness = try RouterHarness()
        do {
            let run = try await harness.start()
            let initial = await run.service.status()
            #expect(initial.queues.allSatisfy { $0.owner == nil && $0.pendingDeliveries == 0 })
            #expect(initial.workStreams.map(\.name) == harness.configuration.workStreams.map(\.name))
            let chat = try #require(initial.workStreams.first { $0.name == "retail-chat" })
            #expect(chat == OperatorStatus.WorkStream(
                name: "retail-chat", channelType: "chat", distribution: "push", channels: ["web-chat", "help-center-chat"]))

            // No owner yet: both messages of the conversation wait in the journal.
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
            for provider in ["m1", "m2"] {
                let id = try await ingress.send(RouterHarness.submit(provider: provider))
                _ = try await ingress.next("SubmitAck") { $0.submitAck?.ackedID == id ? $0.submitAck : nil }
            }
            let waiting = await run.service.status()
            #expect(waiting.queues.first { $0.name == "support" }?.pendingDeliveries == 2)

            let distributor = try await harness.registeredDistributor(run)
            let owned = await run.service.status()
            let support = try #require(owned.queues.first { $0.name == "support" })
            #expect(support.owner == "distributor-2" && support.ownerAlive)
            #expect(owned.queues.first { $0.name == "vip" }?.owner == nil)

            // Acknowledged deliveries leave the count.
            for sequence in [UInt64(1), 2] {
                let (id, _) = try await distributor.next("Deliver \(sequence)") { $0.deliver?.1.conversationSequence == sequence ? $0.deliver : nil }
                try await distributor.send(.deliverAck(DeliverAck(ackedID: id, outcome: .accepted)))
            }
            let deadline = ContinuousClock.now + .seconds(5)
            while await run.service.status().queues.first(where: { $0.name == "support" })?.pendingDeliveries != 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(await run.service.status().queues.first { $0.name == "support" }?.pendingDeliveries == 0)

            await ingress.close()
            await distributor.close()
            try await run.stop()
        } catch {
            await harness.shutDown()
            throw error
        }
        await harness.shutDown()
    }
}
