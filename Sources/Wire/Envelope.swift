/// One protocol message: its id and its typed body. What `WireCodec` encodes into
/// frames and decodes from them.
public struct Envelope: Sendable, Hashable {
    public var id: MessageID
    public var message: WireMessage

    public init(id: MessageID, message: WireMessage) {
        self.id = id
        self.message = message
    }

    public var type: MessageType { message.type }
}

/// Every message of protocol v1, by type (wire.md section 3).
public enum WireMessage: Sendable, Hashable {
    case heartbeat(Heartbeat)
    case disconnect(Disconnect)
    case ack(Ack)
    case submit(Submit)
    case submitAck(SubmitAck)
    case ready(Ready)
    case readyAccepted(ReadyAccepted)
    case readyRefused(ReadyRefused)
    case deliver(Deliver)
    case deliverAck(DeliverAck)
    case agentReply(AgentReply)
    case agentReplyAck(AgentReplyAck)
    case conversationClosed(ConversationClosed)
    case conversationTransferred(ConversationTransferred)
    case reserve(Reserve)
    case grant(Grant)
    case deny(Deny)
    case release(Release)
    case releaseAck(ReleaseAck)
    case agentUpdate(AgentUpdate)
    case snapshotRequest(SnapshotRequest)
    case snapshotReply(SnapshotReply)
    case offer(Offer)
    case offerReply(OfferReply)
    case offerWithdrawn(OfferWithdrawn)
    case agentAction(AgentAction)
    case agentActionResult(AgentActionResult)
    case conversationMessage(ConversationMessage)
    case workItems(WorkItems)

    public var type: MessageType {
        switch self {
        case .heartbeat: .heartbeat
        case .disconnect: .disconnect
        case .ack: .ack
        case .submit: .submit
        case .submitAck: .submitAck
        case .ready: .ready
        case .readyAccepted: .readyAccepted
        case .readyRefused: .readyRefused
        case .deliver: .deliver
        case .deliverAck: .deliverAck
        case .agentReply: .agentReply
        case .agentReplyAck: .agentReplyAck
        case .conversationClosed: .conversationClosed
        case .conversationTransferred: .conversationTransferred
        case .reserve: .reserve
        case .grant: .grant
        case .deny: .deny
        case .release: .release
        case .releaseAck: .releaseAck
        case .agentUpdate: .agentUpdate
        case .snapshotRequest: .snapshotRequest
        case .snapshotReply: .snapshotReply
        case .offer: .offer
        case .offerReply: .offerReply
        case .offerWithdrawn: .offerWithdrawn
        case .agentAction: .agentAction
        case .agentActionResult: .agentActionResult
        case .conversationMessage: .conversationMessage
        case .workItems: .workItems
        }
    }
}
