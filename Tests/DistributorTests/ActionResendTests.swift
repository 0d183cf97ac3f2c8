import Foundation
import Messaging
import SwitchboardTestSupport
import Testing
import Wire
import ZeroMQ

@testable import Distributor

/// Presence resends an agent action under the same message id while its answer has not come.
/// An action done once is answered as it was the first time, not applied again (decisions §34):
/// a wrap-up whose answer died with a killed distributor was answered `refused (invalidState)`
/// on the resend although it had been done.
extension DistributorServiceTests {
    static func wrapUp(_ peers: Peers, actionID: String) -> Envelope {
        Envelope(
            id: peers.ids.next(),
            message: .agentAction(AgentAction(actionID: actionID, agentID: "ada", conversationID: "c1", kind: .wrapUp, queue: "vip")))
    }

    static func result(of action: Envelope, _ peers: Peers, _ what: String) async throws -> AgentActionResult {
        try await peers.presence.receive(what) {
            if case .agentActionResult(let result) = $0, result.actionMessageID == action.id { result } else { nil }
        }.value
    }

    @Test func anActionResentWhileRunningGetsTheSameAnswerAgain() async throws {
        let dataDir = try TemporaryDirectory("distributor-action-resend")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: Self.patientLinks)
            let presencePeer = try await activeConversationOfAda(peers)

            let wrapUp = Self.wrapUp(peers, actionID: "w1")
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(wrapUp)))
            let first = try await Self.result(of: wrapUp, peers, "the wrap-up's answer")
            #expect(first.outcome == .done && first.conversationState == "WrapUp")

            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(wrapUp)))
            let again = try await Self.result(of: wrapUp, peers, "the resend's answer")
            #expect(again == first)

            // A new action (another id) is checked: the conversation is in WrapUp already.
            let second = Self.wrapUp(peers, actionID: "w2")
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(second)))
            let refused = try await Self.result(of: second, peers, "the second wrap-up's answer")
            #expect(refused.outcome == .refused(.invalidState))
            run.cancel()
            try await withTimeout(.seconds(5), "the run stops") { try await run.value }
        }
    }

    @Test func anActionResentAfterARestartGetsTheAnswerStoredWithItsStep() async throws {
        let dataDir = try TemporaryDirectory("distributor-action-restart")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(40)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: Self.patientLinks)
            let presencePeer = try await activeConversationOfAda(peers)
            let wrapUp = Self.wrapUp(peers, actionID: "w1")
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(wrapUp)))
            let first = try await Self.result(of: wrapUp, peers, "the wrap-up's answer")
            #expect(first.outcome == .done)
            // That answer is lost with presence's link; the distributor restarts.
            run.cancel()
            try await withTimeout(.seconds(5), "the first run stops") { try await run.value }

            let (_, again) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: Self.patientLinks)
            let ada = AgentState(agentID: "ada", basePresence: .available, capacityTotal: 4, capacityUsed: 2, connected: true)
            try await register(peers, agents: [ada], sequence: 7)
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(wrapUp)))
            let resent = try await Self.result(of: wrapUp, peers, "the resend's answer after the restart")
            #expect(resent.outcome == .done, "applied anew it would be refused: the conversation is in WrapUp")
            #expect(resent.conversationState == "WrapUp" && resent.actionID == "w1")
            again.cancel()
            try await withTimeout(.seconds(5), "the second run stops") { try await again.value }
        }
    }

    /// An agent resends its wrap-up itself (its answer was lost with its connection, or with
    /// presence) under its `clientActionId`: presence sends it as a new message with the same
    /// action id, and it gets the first copy's answer, matched to the new message.
    @Test func aClientsResendUnderANewMessageWithTheSameActionIDGetsTheFirstAnswer() async throws {
        let dataDir = try TemporaryDirectory("distributor-action-client-id")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: Self.patientLinks)
            let presencePeer = try await activeConversationOfAda(peers)

            let first = Self.wrapUp(peers, actionID: "client:w-1")
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(first)))
            #expect(try await Self.result(of: first, peers, "the wrap-up's answer").outcome == .done)

            let resent = Self.wrapUp(peers, actionID: "client:w-1")
            #expect(resent.id != first.id)
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(resent)))
            let again = try await Self.result(of: resent, peers, "the resend's answer")
            #expect(again.outcome == .done && again.actionMessageID == resent.id && again.conversationState == "WrapUp")

            // The same client id for another action is another action: checked, and refused here.
            let hold = Envelope(
                id: peers.ids.next(),
                message: .agentAction(AgentAction(actionID: "client:w-1", agentID: "ada", conversationID: "c1", kind: .hold, queue: "vip")))
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(hold)))
            #expect(try await Self.result(of: hold, peers, "the hold's answer").outcome == .refused(.invalidState))
            run.cancel()
            try await withTimeout(.seconds(5), "the run stops") { try await run.value }
        }
    }

    /// An action done before a restart whose resend would succeed again: Ada put the
    /// conversation on hold, wrote to the customer (Active again: D5), and the distributor
    /// restarted before presence had the hold's answer. The resend gets the stored answer and
    /// the conversation stays Active (decisions §34).
    @Test func anActionResentAfterARestartIsNotDoneAgainWhereItWouldSucceed() async throws {
        let dataDir = try TemporaryDirectory("distributor-action-restart-again")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(40)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: Self.patientLinks)
            let presencePeer = try await activeConversationOfAda(peers)
            let hold = Envelope(
                id: peers.ids.next(), message: .agentAction(AgentAction(actionID: "h1", agentID: "ada", conversationID: "c1", kind: .hold, queue: "vip")))
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(hold)))
            #expect(try await Self.result(of: hold, peers, "the hold's answer").conversationState == "Waiting")
            let reply = Envelope(
                id: peers.ids.next(),
                message: .agentReply(AgentReply(
                    conversationID: "c1", channelInstanceID: "", channelType: "", customerAddress: "", agentID: "ada", text: "back", sentAtMs: 0)))
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(reply)))
            _ = try await peers.router.receive("the reply at the router") { if case .agentReply = $0 { true } else { nil } }
            run.cancel()
            try await withTimeout(.seconds(5), "the first run stops") { try await run.value }

            let (distributor, again) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: Self.patientLinks)
            let ada = AgentState(agentID: "ada", basePresence: .available, capacityTotal: 4, capacityUsed: 2, connected: true)
            try await register(peers, agents: [ada], sequence: 7)
            #expect(await distributor.core.conversations["c1"]?.state == .active)
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(hold)))
            let resent = try await Self.result(of: hold, peers, "the resend's answer after the restart")
            #expect(resent.outcome == .done && resent.conversationState == "Waiting")  // the first answer
            #expect(await distributor.core.conversations["c1"]?.state == .active, "done anew, it would be on hold again")
            again.cancel()
            try await withTimeout(.seconds(5), "the second run stops") { try await again.value }
        }
    }
}

