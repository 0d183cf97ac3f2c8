import JSONText
import Foundation
import Testing
import Wire

@testable import Presence

/// Decisions §23: after a presence restart, an agent can still close a conversation it had
/// in wrap-up, although the conversation held no capacity (so no stored reservation names
/// it): presence asks the distributors until one has it. Real SQLite store, recorded outlets.
@Suite(.timeLimit(.minutes(1))) struct ActionAfterRestartTests {
    let distributor1 = DistributorPeer(distributorName: "distributor-1")
    let distributor2 = DistributorPeer(distributorName: "distributor-2")
    let ids = MessageIDGenerator(prefix: 0xd2)

    /// Before the restart: ada is granted `c-w1`, wraps it up, and its distributor gives the
    /// capacity back (`wrapUpCapacity: never`).
    func wrapUpWithoutCapacity(in directory: URL) async throws {
        let harness = try PresenceHarness(directory: directory)
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let reserve = Reserve(
            reservationID: "r-w1", agentID: "ada", conversationID: "c-w1", units: 1, reason: .push, queue: "billing",
            allowedPresences: [.available, .busy])
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .reserve(reserve)), from: distributor1)
        let offer = Offer(
            offerID: "o-w1", conversationID: "c-w1", agentID: "ada", queue: "billing", workStream: "email",
            expiresAtMs: AgentTime.nowMs() + 60_000, reservationID: "r-w1")
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .offer(offer)), from: distributor1)
        _ = try await harness.coordinator.perform(.reply(offerID: "o-w1", .accept), agentID: "ada")
        let reply = try #require(await harness.recorder.reliable.last)
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .ack(Ack(ackedID: reply.id, outcome: .accepted))), from: distributor1)
        _ = try await harness.coordinator.perform(.action(AgentActionRequest(conversationID: "c-w1", kind: .wrapUp)), agentID: "ada")
        let wrapUp = try #require(await harness.recorder.reliable.last)
        try await harness.coordinator.handle(result(for: wrapUp, .done, state: "WrapUp"), from: distributor1)
        let release = Release(reservationID: "r-w1", agentID: "ada", conversationID: "c-w1")
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .release(release)), from: distributor1)
        #expect(await harness.coordinator.state(of: "ada")?.capacityUsed == 0)
    }

    struct NotAnAction: Error {}

    func result(for action: Envelope, _ outcome: AgentActionResult.Outcome, state: String?) throws -> Envelope {
        guard case .agentAction(let sent) = action.message else { throw NotAnAction() }
        return Envelope(
            id: ids.next(),
            message: .agentActionResult(
                AgentActionResult(
                    actionMessageID: action.id, actionID: sent.actionID, agentID: sent.agentID, conversationID: sent.conversationID,
                    outcome: outcome, conversationState: state)))
    }

    /// The next frame of `type` queued for the agent's socket.
    func next(_ type: JSONValue, on session: AgentSession) async -> [String: JSONValue]? {
        for await item in session.outbound {
            if case .frame(.object(let fields)) = item, fields["type"] == type { return fields }
        }
        return nil
    }

    @Test func theAgentClosesAWrapUpItHeldBeforeTheRestartAskingEachDistributorInTurn() async throws {
        let directory = PresenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await wrapUpWithoutCapacity(in: directory)

        let restarted = try PresenceHarness(directory: directory)
        let session = await restarted.coordinator.openSession(agentID: "ada", presence: "available")
        _ = try await restarted.coordinator.perform(.action(AgentActionRequest(conversationID: "c-w1", kind: .close)), agentID: "ada")
        // ada's queues (vip, billing) are distributor-1's: it is asked first.
        let first = try #require(await restarted.recorder.reliable.first)
        #expect(await restarted.recorder.reliablePeers == [distributor1])
        guard case .agentAction(let action) = first.message else {
            Issue.record("not an action: \(first)")
            return
        }
        #expect(action.conversationID == "c-w1" && action.agentID == "ada" && action.kind == .close)

        // Say distributor-1 has no such conversation: the next distributor is asked.
        try await restarted.coordinator.handle(result(for: first, .refused(.unknownConversation), state: nil), from: distributor1)
        #expect(await restarted.recorder.reliablePeers == [distributor1, distributor2])
        let second = try #require(await restarted.recorder.reliable.last)
        #expect(second.id != first.id)
        if case .agentAction(let askedNext) = second.message {
            #expect(askedNext.actionID == action.actionID, "the same action, asked elsewhere (§34)")
        }
        try await restarted.coordinator.handle(result(for: second, .done, state: "Closed"), from: distributor2)

        let frame = try #require(await next("actionResult", on: session))
        #expect(frame["outcome"] == "done")
        #expect(frame["action"] == "close")
        #expect(frame["conversationId"] == "c-w1")
    }

    /// Held by someone else, or by nobody: refused as presence refuses what it knows is not
    /// the agent's (`notYourConversation`), only later.
    @Test func aRefusalOtherThanUnknownConversationEndsTheAsking() async throws {
        let directory = PresenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await wrapUpWithoutCapacity(in: directory)

        let restarted = try PresenceHarness(directory: directory)
        let session = await restarted.coordinator.openSession(agentID: "grace", presence: "available")
        _ = try await restarted.coordinator.perform(.action(AgentActionRequest(conversationID: "c-w1", kind: .close)), agentID: "grace")
        let first = try #require(await restarted.recorder.reliable.first)
        // The distributor that has it checks who holds it (G5).
        try await restarted.coordinator.handle(result(for: first, .refused(.notAllowed), state: "WrapUp"), from: distributor1)

        let frame = try #require(await next("error", on: session))
        #expect(frame["code"] == "notYourConversation")
        #expect(await restarted.recorder.reliable.count == 1, "nobody else is asked")
    }

    @Test func overHTTPAConversationNoDistributorHasIsForbiddenAsBefore() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let answered = Task {
            try await harness.coordinator.performAndWait(
                .action(AgentActionRequest(conversationID: "nobodys", kind: .close)), agentID: "ada", limit: .seconds(20))
        }
        for asked in 1...2 {
            #expect(await harness.recorder.wait { $0.reliable.count == asked })
            let action = try #require(await harness.recorder.reliable.last)
            try await harness.coordinator.handle(
                result(for: action, .refused(.unknownConversation), state: nil), from: try #require(await harness.recorder.reliablePeers.last))
        }
        await #expect(throws: AgentProtocolError("notYourConversation", "conversation nobodys is not offered or assigned to this agent")) {
            _ = try await answered.value
        }
    }

    @Test func theOwnersOfTheAgentsQueuesComeFirstThenEveryOtherDistributorOnce() throws {
        let configuration = try PresenceFixture.configuration()
        let standby = DistributorPeer(distributorName: "distributor-standby")
        let peers = PresenceCoordinator.distributorsToAsk(
            agentQueues: ["support", "billing", "vip"], learnedOwner: { $0 == "support" ? standby : nil },
            topology: configuration.processes)
        #expect(peers == [distributor1, standby, distributor2])
        let none = PresenceCoordinator.distributorsToAsk(agentQueues: [], learnedOwner: { _ in nil }, topology: configuration.processes)
        #expect(none == [distributor1, distributor2])
    }

    /// A client's `clientActionId` is the action's id at the distributor, marked, and stays the
    /// same when presence asks the next distributor: every copy is one action there (§34).
    @Test func aClientActionIDIsTheActionsIDForEveryDistributorAsked() async throws {
        let directory = PresenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try await wrapUpWithoutCapacity(in: directory)

        let restarted = try PresenceHarness(directory: directory)
        _ = await restarted.coordinator.openSession(agentID: "ada", presence: "available")
        _ = try await restarted.coordinator.perform(
            .action(AgentActionRequest(conversationID: "c-w1", kind: .close, clientActionID: "close-1")), agentID: "ada")
        let first = try #require(await restarted.recorder.reliable.first)
        guard case .agentAction(let asked) = first.message else {
            Issue.record("not an action: \(first)")
            return
        }
        #expect(asked.actionID == "client:close-1")
        try await restarted.coordinator.handle(result(for: first, .refused(.unknownConversation), state: nil), from: distributor1)
        let second = try #require(await restarted.recorder.reliable.last)
        guard case .agentAction(let askedNext) = second.message else {
            Issue.record("not an action: \(second)")
            return
        }
        #expect(second.id != first.id && askedNext.actionID == "client:close-1")
    }
}
