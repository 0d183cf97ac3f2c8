import JSONText
import Crypto
import Wire

/// Agent replies (M1, agent.md `reply` / `replyResult`): presence checks that the agent
/// holds the conversation as far as it knows (G5; the distributor checks again against its
/// records), sends `AgentReply` to the conversation's distributor, resent until the
/// adapter's `AgentReplyAck` comes back through router and distributor, and tells the agent.
///
/// A conversation presence has no route for (lost with a restart: a Waiting conversation
/// holds no capacity, so no stored reservation names it) is looked for as agent actions are
/// (decisions §23, §29): the reply goes to the distributors in turn, under its one id, and a
/// distributor without the conversation refuses it marked `unknownConversation`.
extension PresenceCoordinator {
    struct PendingAgentReply {
        let agentID: String
        let requestID: String?
        let conversationID: String
        let clientMessageID: String?
        /// What was sent, for the next distributor to ask.
        var reply: AgentReply
        /// Sent without a route: the distributors still to ask after this one.
        var asking = false
        var untried: [DistributorPeer] = []
    }

    func sendReply(_ request: AgentReplyRequest, agentID: String, requestID: String?) async throws(AgentProtocolError) {
        let destination = try destination(ofConversation: request.conversationID, agentID: agentID)
        let id = request.clientMessageID.map { Self.replyID(agentID: agentID, conversationID: request.conversationID, clientMessageID: $0) } ?? ids.next()
        let reply = AgentReply(
            conversationID: request.conversationID, channelInstanceID: "", channelType: "", customerAddress: "", agentID: agentID,
            text: request.text, sentAtMs: nowMs())
        let pending = PendingAgentReply(
            agentID: agentID, requestID: requestID, conversationID: request.conversationID, clientMessageID: request.clientMessageID,
            reply: reply, asking: destination.route == nil, untried: destination.untried)
        guard await sendReply(pending, id: id, to: destination.peer) else {
            throw Self.distributorUnreachable("conversation")
        }
    }

    /// Sends (and resends until answered) `pending`'s reply to `peer`; false, and forgotten,
    /// when it cannot be sent.
    private func sendReply(_ pending: PendingAgentReply, id: MessageID, to peer: DistributorPeer) async -> Bool {
        rememberReply(id, pending)
        do {
            try await sendReliably(Envelope(id: id, message: .agentReply(pending.reply)), to: peer)
            return true
        } catch {
            forgetReply(id)
            return false
        }
    }

    func handleReplyAck(_ ack: AgentReplyAck) async {
        guard var pending = forgetReply(ack.ackedID) else { return }
        if pending.asking, ack.unknownConversation {
            // Not this distributor's conversation: the next one, else what presence answers
            // when it knows the agent does not hold it.
            guard !pending.untried.isEmpty else {
                send(Self.notYourConversation(pending.conversationID).frame(requestID: pending.requestID), to: pending.agentID)
                return
            }
            let next = pending.untried.removeFirst()
            if !(await sendReply(pending, id: ack.ackedID, to: next)) {
                let error = Self.distributorUnreachable("conversation")
                send(error.frame(requestID: pending.requestID), to: pending.agentID)
            }
            return
        }
        var frame: [String: JSONValue] = [
            "type": "replyResult", "requestId": .optional(pending.requestID), "conversationId": .string(pending.conversationID),
            "clientMessageId": .optional(pending.clientMessageID), "replyId": .string(ack.ackedID.description),
        ]
        switch ack.outcome {
        case .accepted, .duplicate:
            frame["outcome"] = "accepted"
        case .rejected(let reason):
            frame["outcome"] = "rejected"
            frame["reason"] = .string(reason)
        }
        send(.object(frame), to: pending.agentID)
    }

    /// The Wire id of a reply the client named: the same (agent, conversation, client id)
    /// always gives the same id, so every hop deduplicates a resend.
    static func replyID(agentID: String, conversationID: String, clientMessageID: String) -> MessageID {
        let digest = SHA256.hash(data: Array("agent-reply\u{0}\(agentID)\u{0}\(conversationID)\u{0}\(clientMessageID)".utf8))
        let bytes = Array(digest.prefix(16))
        return MessageID(bytes: bytes) ?? MessageID(prefix: 0, counter: 0)
    }
}
