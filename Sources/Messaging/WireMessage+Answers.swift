import Wire

extension WireMessage {
    /// The id of the message this one answers, for the messages that answer another
    /// (wire.md section 3, "answered by"). A link uses it to stop resending what was answered.
    public var answeredID: MessageID? {
        switch self {
        case .ack(let ack): ack.ackedID
        case .submitAck(let ack): ack.ackedID
        case .readyAccepted(let accepted): accepted.readyID
        case .readyRefused(let refused): refused.readyID
        case .deliverAck(let ack): ack.ackedID
        case .agentReplyAck(let ack): ack.ackedID
        case .grant(let grant): grant.requestID
        case .deny(let deny): deny.requestID
        case .releaseAck(let ack): ack.ackedID
        case .snapshotReply(let reply): reply.requestID
        case .agentActionResult(let result): result.actionMessageID
        case .heartbeat, .disconnect, .submit, .ready, .deliver, .agentReply, .reserve, .release,
            .agentUpdate, .snapshotRequest, .offer, .offerReply, .offerWithdrawn, .agentAction,
            .conversationMessage, .conversationClosed, .conversationTransferred, .workItems:
            nil
        }
    }

    /// Whether the message always goes under a fresh id: heartbeats and answers are never
    /// stored and resent, so their id's prefix names the sender's current run (wire.md
    /// section 2), which a resent message's id may not.
    var alwaysHasAFreshID: Bool {
        if case .heartbeat = self { return true }
        return answeredID != nil
    }
}
