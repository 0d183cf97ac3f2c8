import Foundation
import Messaging
import SwitchboardTestSupport
import Testing
import Wire
import ZeroMQ

@testable import Distributor

extension DistributorServiceTests {
    /// Acknowledgements wait a minute before a resend: any second copy seen in a test comes
    /// from the distributor passing a resend on, not from its link's own timer.
    static let patientLinks = LinkSettings(
        heartbeatInterval: .seconds(10), resend: .init(acknowledgementTimeout: .seconds(60), maximumTimeout: .seconds(60)))

    /// Presence resends an agent reply while its AgentReplyAck has not come (the agent resent
    /// it). A copy lost downstream (a router or adapter restarted too fast to be seen dead)
    /// must not wait for the distributor's own back-off: the resend is passed on at once, as
    /// checked the first time, with the same id (the adapter stores it once).
    @Test func aResentReplyAlreadyForwardedIsPassedOnToTheRouterAgainAtOnce() async throws {
        let dataDir = try TemporaryDirectory("distributor-reply-pass-on")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: Self.patientLinks)
            let presencePeer = try await activeConversationOfAda(peers)

            let reply = Self.agentReply(peers)
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(reply)))
            let first = try await peers.router.receive("the reply at the router") {
                if case .agentReply(let forwarded) = $0 { forwarded } else { nil }
            }
            #expect(first.envelope.id == reply.id)
            #expect(first.value.customerAddress == "customer-1", "filled from the conversation's stored message")

            // That copy is lost downstream; presence resends the reply.
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(reply)))
            let second = try await peers.router.receive("the resent reply at the router", within: .seconds(10)) {
                if case .agentReply(let forwarded) = $0 { forwarded } else { nil }
            }
            #expect(second.envelope.id == reply.id)
            #expect(second.value == first.value)

            // One answer from the adapter answers both.
            try await peers.router.send(.agentReplyAck(AgentReplyAck(ackedID: reply.id, outcome: .duplicate)), to: Array("distributor-1".utf8), ids: peers.ids)
            let answer = try await peers.presence.receive("AgentReplyAck") {
                if case .agentReplyAck(let ack) = $0, ack.ackedID == reply.id { ack.outcome } else { nil }
            }
            #expect(answer.value == .duplicate)
            run.cancel()
            try await withTimeout(.seconds(5), "the run stops") { try await run.value }
        }
    }

    /// The agent resends a reply whose answer it never got (it was disconnected when the
    /// answer came, or presence restarted): the adapter's answer is given again at once, not
    /// checked anew (after a wrap-up that check refuses a reply that reached the customer)
    /// and not sent to the router again.
    @Test func aReplyResentAfterItsAnswerGetsTheSameAnswerAgain() async throws {
        let dataDir = try TemporaryDirectory("distributor-reply-answered")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: Self.patientLinks)
            let presencePeer = try await activeConversationOfAda(peers)

            let reply = Self.agentReply(peers)
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(reply)))
            _ = try await peers.router.receive("the reply at the router") {
                if case .agentReply(let forwarded) = $0 { forwarded } else { nil }
            }
            try await peers.router.send(.agentReplyAck(AgentReplyAck(ackedID: reply.id, outcome: .accepted)), to: Array("distributor-1".utf8), ids: peers.ids)
            _ = try await peers.presence.receive("the first AgentReplyAck") {
                if case .agentReplyAck(let ack) = $0, ack.ackedID == reply.id { ack.outcome } else { nil }
            }

            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(reply)))
            let again = try await peers.presence.receive("the answer to the resend") {
                if case .agentReplyAck(let ack) = $0, ack.ackedID == reply.id { ack.outcome } else { nil }
            }
            #expect(again.value == .accepted)
            let atRouter = try? await peers.router.receive("no second copy at the router", within: .milliseconds(500)) {
                if case .agentReply(let forwarded) = $0 { forwarded } else { nil }
            }
            #expect(atRouter == nil)
            run.cancel()
            try await withTimeout(.seconds(5), "the run stops") { try await run.value }
        }
    }

    /// A reply forwarded, then the distributor restarts (its memory of the reply gone) and
    /// ada wraps up; presence resends the reply (its answer never came). The reply reached the
    /// adapter once already, so it goes on as checked before the restart; checked anew, the
    /// wrap-up would refuse it (found by `switchboard chaos`).
    @Test func aReplyForwardedBeforeARestartGoesOnAsCheckedAfterIt() async throws {
        let dataDir = try TemporaryDirectory("distributor-reply-restart")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(40)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: Self.patientLinks)
            let presencePeer = try await activeConversationOfAda(peers)
            let reply = Self.agentReply(peers)
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(reply)))
            let first = try await peers.router.receive("the reply at the router") {
                if case .agentReply(let forwarded) = $0 { forwarded } else { nil }
            }
            run.cancel()
            try await withTimeout(.seconds(5), "the first run stops") { try await run.value }

            let (_, again) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: Self.patientLinks)
            let ada = AgentState(agentID: "ada", basePresence: .available, capacityTotal: 4, capacityUsed: 2, connected: true)
            try await register(peers, agents: [ada], sequence: 7)
            let wrapUp = Envelope(
                id: peers.ids.next(), message: .agentAction(AgentAction(actionID: "w1", agentID: "ada", conversationID: "c1", kind: .wrapUp, queue: "vip")))
            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(wrapUp)))
            _ = try await peers.presence.receive("wrapUp result") {
                if case .agentActionResult(let result) = $0, result.actionID == "w1", result.outcome == .done { true } else { nil }
            }

            try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(reply)))
            let resent = try await peers.router.receive("the resent reply at the router", within: .seconds(10)) {
                if case .agentReply(let forwarded) = $0 { forwarded } else { nil }
            }
            #expect(resent.envelope.id == reply.id)
            #expect(resent.value == first.value, "as checked before the restart")
            again.cancel()
            try await withTimeout(.seconds(5), "the second run stops") { try await again.value }
        }
    }

    /// A reply for a conversation this distributor does not have is refused marked
    /// `unknownConversation` (presence, which may only be asking, asks the next one, decisions
    /// §29); one for a conversation it has but another agent holds is refused unmarked.
    @Test func aReplyForAConversationItDoesNotHaveIsRefusedMarkedUnknown() async throws {
        let dataDir = try TemporaryDirectory("distributor-reply-unknown")
        defer { dataDir.remove() }
        try await withEventLoop(timeout: .seconds(30)) { loop in
            let peers = try await Peers.bind(loop)
            let (_, run) = try await start(peers, loop: loop, dataDir: dataDir.path, linkSettings: Self.patientLinks)
            let presencePeer = try await activeConversationOfAda(peers)

            func answer(conversation: String, agent: String) async throws -> AgentReplyAck {
                let reply = Self.agentReply(peers, conversation: conversation, agent: agent)
                try await peers.presence.socket.send(Multipart([presencePeer] + WireCodec.encode(reply)))
                return try await peers.presence.receive("AgentReplyAck for \(conversation)") {
                    if case .agentReplyAck(let ack) = $0, ack.ackedID == reply.id { ack } else { nil }
                }.value
            }
            let unknown = try await answer(conversation: "elsewhere", agent: "ada")
            #expect(unknown.unknownConversation)
            guard case .rejected = unknown.outcome else {
                Issue.record("not refused: \(unknown.outcome)")
                return
            }
            let notHers = try await answer(conversation: "c1", agent: "grace")
            #expect(!notHers.unknownConversation)
            guard case .rejected = notHers.outcome else {
                Issue.record("not refused: \(notHers.outcome)")
                return
            }
            run.cancel()
            try await withTimeout(.seconds(5), "the run stops") { try await run.value }
        }
    }

    /// An agent's reply (ada's in c1 unless told), as presence sends it (no channel or
    /// customer: the distributor fills them in).
    static func agentReply(_ peers: Peers, conversation: String = "c1", agent: String = "ada") -> Envelope {
        Envelope(
            id: peers.ids.next(),
            message: .agentReply(AgentReply(
                conversationID: conversation, channelInstanceID: "", channelType: "", customerAddress: "", agentID: agent,
                text: "on it", sentAtMs: 0)))
    }
}
