import JSONText
import Foundation
import Testing
import Wire

@testable import Presence

/// Decisions §29: an agent's reply to a conversation presence has no route for (lost with a
/// restart: a Waiting conversation holds no capacity) goes to the distributors in turn, under
/// its one id, until one has the conversation; before, presence refused it at once.
@Suite(.timeLimit(.minutes(1))) struct ReplyAfterRestartTests {
    let distributor1 = DistributorPeer(distributorName: "distributor-1")
    let distributor2 = DistributorPeer(distributorName: "distributor-2")

    func reply(_ conversation: String) -> AgentCommand {
        .sendReply(AgentReplyRequest(conversationID: conversation, text: "Still looking into it.", clientMessageID: "m-1"))
    }

    func ack(_ sent: Envelope, _ outcome: AckOutcome, unknownConversation: Bool = false) -> Envelope {
        Envelope(
            id: MessageID(prefix: 9, counter: 1),
            message: .agentReplyAck(AgentReplyAck(ackedID: sent.id, outcome: outcome, unknownConversation: unknownConversation)))
    }

    /// The next frame of `type` queued for the agent's socket.
    func next(_ type: JSONValue, on session: AgentSession) async -> [String: JSONValue]? {
        for await item in session.outbound {
            if case .frame(.object(let fields)) = item, fields["type"] == type { return fields }
        }
        return nil
    }

    @Test func aReplyWithoutARouteAsksEachDistributorUnderItsOneIdUntilOneHasTheConversation() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        _ = try await harness.coordinator.perform(reply("c-hold"), agentID: "ada")
        // ada's queues are distributor-1's: it is asked first.
        #expect(await harness.recorder.reliablePeers == [distributor1])
        let first = try #require(await harness.recorder.reliable.first)
        guard case .agentReply(let sent) = first.message else {
            Issue.record("not a reply: \(first)")
            return
        }
        #expect(sent.conversationID == "c-hold" && sent.agentID == "ada")

        await harness.coordinator.handle(ack(first, .rejected(reason: "not here"), unknownConversation: true), from: distributor1)
        #expect(await harness.recorder.reliablePeers == [distributor1, distributor2])
        let second = try #require(await harness.recorder.reliable.last)
        #expect(second.id == first.id, "the same id: every hop dedupes a resend")
        #expect(second.message == first.message)

        await harness.coordinator.handle(ack(second, .accepted), from: distributor2)
        let result = try #require(await next("replyResult", on: session))
        #expect(result["outcome"] == "accepted")
        #expect(result["conversationId"] == "c-hold")
    }

    @Test func whenNoDistributorHasItTheAgentIsToldItIsNotItsConversation() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        _ = try await harness.coordinator.perform(reply("nobodys"), agentID: "ada")
        for asked in 1...2 {
            #expect(await harness.recorder.wait { $0.reliable.count == asked })
            let sent = try #require(await harness.recorder.reliable.last)
            await harness.coordinator.handle(
                ack(sent, .rejected(reason: "not here"), unknownConversation: true), from: try #require(await harness.recorder.reliablePeers.last))
        }
        let error = try #require(await next("error", on: session))
        #expect(error["code"] == "notYourConversation")
        #expect(await harness.recorder.reliable.count == 2, "each distributor once")
    }

    /// The distributor that has it checks who holds it (G5): its refusal ends the asking.
    @Test func aRefusalOfTheDistributorThatHasTheConversationGoesToTheAgent() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        _ = try await harness.coordinator.perform(reply("c-wrapped"), agentID: "ada")
        let first = try #require(await harness.recorder.reliable.first)
        await harness.coordinator.handle(ack(first, .rejected(reason: "agent ada does not hold conversation c-wrapped (wrapUp)")), from: distributor1)
        let result = try #require(await next("replyResult", on: session))
        #expect(result["outcome"] == "rejected")
        #expect(await harness.recorder.reliable.count == 1, "nobody else is asked")
    }
}
