import Foundation
import Testing
import Wire

@testable import Presence

/// Presence's batch window (decisions §56): the first change after a quiet window goes out at
/// once; what follows within the window goes out together, each agent's last state once.
@Suite(.timeLimit(.minutes(1))) struct AgentUpdateBatchingTests {
    let peer = DistributorPeer(bytes: [0xd1])
    let ids = MessageIDGenerator(prefix: 0xd2)

    func reserve(_ id: String, agent: String) -> Envelope {
        Envelope(
            id: ids.next(),
            message: .reserve(Reserve(
                reservationID: id, agentID: agent, conversationID: "c-\(id)", units: 1, reason: .push, queue: "billing",
                allowedPresences: [.available, .busy])))
    }

    @Test func changesWithinTheWindowGoOutAsOneBatchCoveringEverySequence() async throws {
        let harness = try PresenceHarness(updateBatchWindow: .milliseconds(300))
        defer { harness.cleanUp() }
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        // Logging in changes two things at once (connected, then the chosen presence): one batch.
        let first = await harness.recorder.published
        guard case .agentUpdateBatch(let opened) = first.last, first.count == 1 else { Issue.record("not published at once: \(first)"); return }
        #expect(opened.updates.count == 1)

        await harness.coordinator.handle(reserve("r1", agent: "ada"), from: peer)
        await harness.coordinator.handle(reserve("r2", agent: "ada"), from: peer)
        _ = await harness.coordinator.openSession(agentID: "grace", presence: "available")
        // Granted at once; published only when the window is over.
        #expect(await harness.recorder.sent.filter { $0.type == .grant }.count == 2)
        #expect(await harness.recorder.published.count == 1)

        #expect(await harness.recorder.wait { $0.published.count == 2 })
        guard case .agentUpdateBatch(let batch) = await harness.recorder.published.last else { Issue.record("no batch"); return }
        #expect(batch.firstSequence == opened.lastSequence + 1)
        #expect(batch.lastSequence == opened.lastSequence + 4)  // two reservations, grace's two login changes
        // ada's first reservation is superseded by her second: each agent once, in sequence order.
        #expect(batch.updates.map(\.agent.agentID) == ["ada", "grace"])
        #expect(batch.updates.map(\.sequence) == [opened.lastSequence + 2, opened.lastSequence + 4])
        #expect(batch.updates.first?.agent.capacityUsed == 2)
        #expect(await harness.coordinator.lastPublishedSequence == batch.lastSequence)
    }

    @Test func aSnapshotRequestPublishesWhatWaitsForTheWindowFirst() async throws {
        let harness = try PresenceHarness(updateBatchWindow: .seconds(30))
        defer { harness.cleanUp() }
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        await harness.coordinator.handle(reserve("r1", agent: "ada"), from: peer)
        #expect(await harness.recorder.published.count == 1)

        await harness.coordinator.handle(Envelope(id: ids.next(), message: .snapshotRequest(SnapshotRequest())), from: peer)
        let order = await harness.recorder.order
        guard let updateIndex = order.lastIndex(where: { $0 == .agentUpdate }), let replyIndex = order.firstIndex(of: .snapshotReply) else {
            Issue.record("no update or no reply: \(order)")
            return
        }
        // One change waited, so it goes as a plain AgentUpdate, before the reply that includes it.
        #expect(await harness.recorder.published.count == 2)
        #expect(updateIndex < replyIndex)
    }

    @Test func withoutAWindowEveryChangeIsItsOwnUpdate() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        await harness.coordinator.handle(reserve("r1", agent: "ada"), from: peer)
        await harness.coordinator.handle(reserve("r2", agent: "ada"), from: peer)
        let sequences = await harness.recorder.published.map { message -> UInt64? in
            if case .agentUpdate(let update) = message { return update.sequence }
            return nil
        }
        // Logging in is two changes, each reservation one.
        #expect(sequences == [1, 2, 3, 4])
    }
}
