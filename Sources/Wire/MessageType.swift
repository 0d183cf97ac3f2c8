/// The message type frame: an unsigned 16-bit number, big-endian on the wire
/// (wire.md section 3). The high byte groups a link. Numbers are never reused.
public enum MessageType: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    // 0x00: control, every link
    case heartbeat = 0x0001
    case disconnect = 0x0002
    case ack = 0x0003
    // 0x01: ingress -> router
    case submit = 0x0101
    case submitAck = 0x0102
    // 0x02: distributor registration
    case ready = 0x0201
    case readyAccepted = 0x0202
    case readyRefused = 0x0203
    // 0x03: router <-> distributor, agent replies
    case deliver = 0x0301
    case deliverAck = 0x0302
    case agentReply = 0x0303
    case agentReplyAck = 0x0304
    case conversationClosed = 0x0305
    case conversationTransferred = 0x0306
    // 0x04: capacity reservations
    case reserve = 0x0401
    case grant = 0x0402
    case deny = 0x0403
    case release = 0x0404
    case releaseAck = 0x0405
    // 0x05: presence state
    case agentUpdate = 0x0501
    case snapshotRequest = 0x0502
    case snapshotReply = 0x0503
    // 0x06: offers and agent actions
    case offer = 0x0601
    case offerReply = 0x0602
    case offerWithdrawn = 0x0603
    case agentAction = 0x0604
    case agentActionResult = 0x0605
    case conversationMessage = 0x0606
    case workItems = 0x0607

    /// The type's name as in the protocol document, e.g. `SubmitAck`.
    public var name: String {
        switch self {
        case .heartbeat: "Heartbeat"
        case .disconnect: "Disconnect"
        case .ack: "Ack"
        case .submit: "Submit"
        case .submitAck: "SubmitAck"
        case .ready: "Ready"
        case .readyAccepted: "ReadyAccepted"
        case .readyRefused: "ReadyRefused"
        case .deliver: "Deliver"
        case .deliverAck: "DeliverAck"
        case .agentReply: "AgentReply"
        case .agentReplyAck: "AgentReplyAck"
        case .conversationClosed: "ConversationClosed"
        case .conversationTransferred: "ConversationTransferred"
        case .reserve: "Reserve"
        case .grant: "Grant"
        case .deny: "Deny"
        case .release: "Release"
        case .releaseAck: "ReleaseAck"
        case .agentUpdate: "AgentUpdate"
        case .snapshotRequest: "SnapshotRequest"
        case .snapshotReply: "SnapshotReply"
        case .offer: "Offer"
        case .offerReply: "OfferReply"
        case .offerWithdrawn: "OfferWithdrawn"
        case .agentAction: "AgentAction"
        case .agentActionResult: "AgentActionResult"
        case .conversationMessage: "ConversationMessage"
        case .workItems: "WorkItems"
        }
    }

    public var description: String {
        let hex = String(rawValue, radix: 16)
        return "\(name)(0x\(String(repeating: "0", count: max(0, 4 - hex.count)))\(hex))"
    }
}
