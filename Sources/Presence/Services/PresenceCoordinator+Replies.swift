import JSONText
import Crypto
import Wire

/// Agent replies (M1, agent.md `reply` / `replyResult`): presence checks that the agent
/// holds the conversation as far as it knows (G5; the distributor checks again against its
/// records), sends `AgentReply` to the conversation's distributor, resent until the
/// adapter's `AgentReplyAck` comes back through router and distributor, and tells the agent.
extension PresenceCoordinator {
    struct PendingAgentReply {
        let agentID: String
        let requestID: String?
        let conversationID: String
        let clientMessageID: String?
    }

    func sendReply(_ request: AgentReplyRequest, agentID: String, requestID: String?) async throws(AgentProtocolError) {
        guard let route = route(of: request.conversationID), route.agentID == agentID else {
            throw AgentProtocolError("notYourConversation", "conversation \(request.conversationID) is not assigned to this agent")
        }
        let id = request.clientMessageID.map { Self.replyID(agentID: agentID, conversationID: request.conversationID, clientMessageID: $0) } ?? ids.next()
        let reply = AgentReply(
            conversationID: request.conversationID, channelInstanceID: "", channelType: "", customerAddress: "", agentID: agentID,
            text: request.text, sentAtMs: nowMs())
        rememberReply(id, PendingAgentReply(agentID: agentID, requestID: requestID, conversationID: request.conversationID, clientMessageID: request.clientMessageID))
        do {
            try await sendReliably(Envelope(id: id, message: .agentReply(reply)), to: route.peer)
        } catch {
            forgetReply(id)
            throw AgentProtocolError("unavailable", "the distributor of this conversation cannot be reached; try again")
        }
    }

    func handleReplyAck(_ ack: AgentReplyAck) {
        guard let pending = forgetReply(ack.ackedID) else { return }
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
