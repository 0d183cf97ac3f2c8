import Foundation
import Testing
import Wire

@testable import Presence

/// The agent HTTP API's commands: an action sent over HTTP returns the distributor's result.
@Suite(.timeLimit(.minutes(1))) struct HTTPCommandTests {
    let peer = DistributorPeer(bytes: [0xd1])
    let ids = MessageIDGenerator(prefix: 0xd4)

    @Test func anActionOverHTTPReturnsTheDistributorsResult() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        // The distributor offered c1 to ada: presence now routes ada's actions on c1 to it.
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .offer(Offer(
            offerID: "o1", conversationID: "c1", agentID: "ada", queue: "billing", workStream: "retail-chat", expiresAtMs: 1))), from: peer)

        let coordinator = harness.coordinator
        let waiting = Task {
            try await coordinator.performAndWait(
                .action(AgentActionRequest(conversationID: "c1", kind: .hold)), agentID: "ada", limit: .seconds(20))
        }
        #expect(await harness.recorder.wait { $0.reliable.contains { if case .agentAction = $0.message { true } else { false } } })
        let sent = await harness.recorder.reliable
        guard let action = sent.last, case .agentAction(let request) = action.message else { Issue.record("no action: \(sent)"); return }
        await coordinator.handle(Envelope(id: ids.next(), message: .agentActionResult(AgentActionResult(
            actionMessageID: action.id, actionID: request.actionID, agentID: "ada", conversationID: "c1", outcome: .done,
            conversationState: "Waiting"))), from: peer)

        let answer = try #require(try await waiting.value)
        #expect(answer.text.contains(#""type":"actionResult""#) && answer.text.contains(#""conversationState":"Waiting""#), "\(answer.text)")
        _ = session
    }

    @Test func anActionOverHTTPWithoutAnAnswerReturnsNilAfterTheLimit() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        await harness.coordinator.handle(Envelope(id: ids.next(), message: .offer(Offer(
            offerID: "o1", conversationID: "c1", agentID: "ada", queue: "billing", workStream: "retail-chat", expiresAtMs: 1))), from: peer)
        let answer = try await harness.coordinator.performAndWait(
            .action(AgentActionRequest(conversationID: "c1", kind: .hold)), agentID: "ada", limit: .milliseconds(200))
        #expect(answer == nil)
    }
}
