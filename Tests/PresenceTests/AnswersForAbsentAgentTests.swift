import Foundation
import JSONText
import Storage
import SwitchboardTestSupport
import Testing
import Wire

@testable import Presence

/// The answer to an agent's request that comes while the agent is not connected reaches its
/// next session after `welcome` (agent.md): before, it was dropped, and the client only
/// learned how its reply ended by sending it again.
@Suite struct AnswersForAbsentAgentTests {
    private static let peer = DistributorPeer(bytes: [4])

    /// Ada holds c1 (a customer message routed it to her), replies in it with client id r1,
    /// disconnects, and then the adapter's answer comes.
    private func answerWhileAdaIsAway(_ harness: PresenceHarness) async throws {
        let coordinator = harness.coordinator
        let session = await coordinator.openSession(agentID: "ada", presence: "available")
        let inbound = InboundMessage(
            channelInstanceID: "custom-main", channelType: "custom", providerMessageID: "p1", customerAddress: "cust-1",
            text: "hello?", receivedAtMs: 1_700_000_000_000)
        await coordinator.handle(
            Envelope(id: MessageID(prefix: 4, counter: 1), message: .conversationMessage(
                ConversationMessage(conversationID: "c1", agentID: "ada", sequence: 1, message: inbound, queue: "billing"))),
            from: Self.peer)
        try await coordinator.perform(.sendReply(AgentReplyRequest(conversationID: "c1", text: "on it", clientMessageID: "r1")), agentID: "ada")
        let replyID = try #require(await harness.recorder.reliable.first { if case .agentReply = $0.message { true } else { false } }?.id)
        await coordinator.closeSession(agentID: "ada", sessionID: session.id)
        await coordinator.handle(
            Envelope(id: MessageID(prefix: 4, counter: 2), message: .agentReplyAck(AgentReplyAck(ackedID: replyID, outcome: .accepted))),
            from: Self.peer)
    }

    @Test func aReplyResultThatComesWhileTheAgentIsAwayReachesItsNextSession() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        try await answerWhileAdaIsAway(harness)

        let second = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let (types, answer) = try await frames(until: "replyResult", in: second)
        #expect(types.first == "welcome")
        #expect(answer?["clientMessageId"] == .string("r1"))
        await harness.coordinator.closeSession(agentID: "ada", sessionID: second.id)
    }

    /// The first frame of `type` in `session`, and the types of the frames before it.
    private func frames(until type: String, in session: AgentSession) async throws -> (types: [String], frame: [String: JSONValue]?) {
        try await withTimeout(.seconds(5), type) {
            var types: [String] = []
            for await item in session.outbound {
                guard case .frame(.object(let fields)) = item, case .string(let seen)? = fields["type"] else { continue }
                types.append(seen)
                if seen == type { return (types, fields) }
            }
            return (types, nil)
        }
    }

    /// Kept in the store too: the answer reaches the agent's next session after a restart of
    /// presence, once (before, it lived in memory only and died with presence).
    @Test func aKeptAnswerOutlivesARestartOfPresenceAndIsGivenOnce() async throws {
        let directory = PresenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let storePath = try DataDirectory(path: directory.path, process: "presence").storePath("reservations")
        try await answerWhileAdaIsAway(try PresenceHarness(directory: directory))
        let reader = try ReservationStore.open(path: storePath)
        try await withTimeout(.seconds(5), "the answer is stored") {
            while (try? reader.keptAnswers().count) != 1 { try await Task.sleep(for: .milliseconds(20)) }
        }

        let restarted = try PresenceHarness(directory: directory)
        let session = await restarted.coordinator.openSession(agentID: "ada", presence: "available")
        let (types, answer) = try await frames(until: "replyResult", in: session)
        #expect(types.first == "welcome")
        #expect(answer?["clientMessageId"] == .string("r1"))
        #expect(answer?["outcome"] == .string("accepted"))
        try await withTimeout(.seconds(5), "given, so forgotten") {
            while (try? reader.keptAnswers().isEmpty) != true { try await Task.sleep(for: .milliseconds(20)) }
        }

        let again = try PresenceHarness(directory: directory)
        let third = await again.coordinator.openSession(agentID: "ada", presence: "available")
        await again.coordinator.closeSession(agentID: "ada", sessionID: third.id)
        var replayed = false
        for await item in third.outbound {
            if case .frame(.object(let fields)) = item, fields["type"] == .string("replyResult") { replayed = true }
        }
        #expect(!replayed, "given once")
    }
}
