import Foundation
import JSONText
import Testing
import Wire

@testable import Presence

/// Decisions §58 at presence: an action asks for the releases it causes in its result; a
/// result's releases give the capacity back (stored, published), also for an action a run
/// before this one sent; and a distributor's list of the reservations it holds releases the
/// others of that queue, after a restart too. Real SQLite store, recorded outlets.
@Suite(.timeLimit(.minutes(1))) struct ReleasesInResultTests {
    let distributor1 = DistributorPeer(distributorName: "distributor-1")
    let ids = MessageIDGenerator(prefix: 0xd5)

    func reserve(_ id: String, queue: String, on harness: PresenceHarness) async {
        let reserve = Reserve(
            reservationID: id, agentID: "ada", conversationID: "c-\(id)", units: 1, reason: .push, queue: queue,
            allowedPresences: [.available, .busy])
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .reserve(reserve)), from: distributor1)
    }

    func used(_ harness: PresenceHarness) async -> Int? { await harness.coordinator.state(of: "ada")?.capacityUsed }

    @Test func anActionAsksForItsReleasesAndItsResultGivesTheCapacityBack() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        await reserve("r1", queue: "billing", on: harness)
        let offer = Offer(
            offerID: "o1", conversationID: "c-r1", agentID: "ada", queue: "billing", workStream: "email",
            expiresAtMs: AgentTime.nowMs() + 60_000, reservationID: "r1")
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .offer(offer)), from: distributor1)
        _ = try await harness.coordinator.perform(.reply(offerID: "o1", .accept), agentID: "ada")
        _ = try await harness.coordinator.perform(.action(AgentActionRequest(conversationID: "c-r1", kind: .release)), agentID: "ada")
        let sent = try #require(await harness.recorder.reliable.last)
        guard case .agentAction(let action) = sent.message else {
            Issue.record("no action sent: \(sent)")
            return
        }
        #expect(action.releasesInResult, "a presence that applies them says so")
        #expect(await used(harness) == 1)

        let result = AgentActionResult(
            actionMessageID: sent.id, actionID: action.actionID, agentID: "ada", conversationID: "c-r1", outcome: .done,
            conversationState: "Open", releases: [Release(reservationID: "r1", agentID: "ada", conversationID: "c-r1", units: 1)])
        let publishedBefore = await harness.recorder.published.count
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .agentActionResult(result)), from: distributor1)
        #expect(await used(harness) == 0, "released from the result, with no Release message")
        let published = await harness.recorder.published.dropFirst(publishedBefore)
        #expect(published.contains { if case .agentUpdate(let update) = $0 { update.agent.capacityUsed == 0 } else { false } })

        // The agent reads the result before the capacity it freed: an offer that takes that
        // capacity cannot reach it ahead of the result (the chaos run counted 14 such offers
        // when the release came first).
        var order: [String] = []
        for await item in session.outbound {
            guard case .frame(.object(let fields)) = item else { continue }
            if fields["type"] == "actionResult", fields["conversationId"] == "c-r1" { order.append("result") }
            if fields["type"] == "presence", case .object(let agent)? = fields["agent"], case .object(let capacity)? = agent["capacity"],
                capacity["used"] == .integer(0), order.contains("taken")
            {
                order.append("freed")
            }
            if fields["type"] == "presence", case .object(let agent)? = fields["agent"], case .object(let capacity)? = agent["capacity"],
                capacity["used"] == .integer(1)
            {
                if !order.contains("taken") { order.append("taken") }
            }
            if order.contains("result") && order.contains("freed") { break }
        }
        #expect(order == ["taken", "result", "freed"])
    }

    @Test func aResultForAnActionThisRunNeverSentStillReleasesAndTheReleaseIsStored() async throws {
        let directory = PresenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let harness = try PresenceHarness(directory: directory)
            _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
            await reserve("r1", queue: "billing", on: harness)
            #expect(await used(harness) == 1)
            // The run that sent the close is gone; its result reaches this one.
            let result = AgentActionResult(
                actionMessageID: ids.next(), actionID: "gone", agentID: "ada", conversationID: "c-r1", outcome: .done,
                conversationState: "Closed", releases: [Release(reservationID: "r1", agentID: "ada", conversationID: "c-r1", units: 1)])
            await harness.coordinator.handle(Envelope(id: ids.next(), message: .agentActionResult(result)), from: distributor1)
            #expect(await used(harness) == 0)
        }
        let restarted = try PresenceHarness(directory: directory)
        #expect(await restarted.coordinator.state(of: "ada")?.capacityUsed ?? 0 == 0, "the release was stored")
    }

    @Test func aListOfHeldReservationsReleasesTheQueuesOthersAfterARestart() async throws {
        let directory = PresenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let harness = try PresenceHarness(directory: directory)
            _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
            await reserve("closed-while-down", queue: "billing", on: harness)
            await reserve("still-held", queue: "billing", on: harness)
            await reserve("other-queue", queue: "vip", on: harness)
            #expect(await used(harness) == 3)
        }
        let harness = try PresenceHarness(directory: directory)
        #expect(await used(harness) == 3, "reservations outlive the restart")
        let listing = WorkItems(queue: "billing", heldReservationIDs: ["still-held", "not-granted-yet"])
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .workItems(listing)), from: distributor1)
        #expect(await used(harness) == 2, "only billing's unlisted reservation is released")

        // A list that names none of them releases the queue's rest; an empty list for a queue
        // with none changes nothing.
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .workItems(WorkItems(queue: "billing", heldReservationIDs: []))), from: distributor1)
        #expect(await used(harness) == 1)
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .workItems(WorkItems(queue: "billing", heldReservationIDs: []))), from: distributor1)
        #expect(await used(harness) == 1, "vip's reservation is another distributor's business")

        // Work items without a list release nothing.
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .workItems(WorkItems(queue: "vip", snapshot: true))), from: distributor1)
        #expect(await used(harness) == 1)
    }
}
