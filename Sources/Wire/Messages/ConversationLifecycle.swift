/// Why a conversation closed (D5). Informational: unknown values are kept as `unrecognized`.
public enum CloseReason: Sendable, Hashable {
    case unspecified
    /// WrapUp → Closed by the agent.
    case agentClosed
    /// WrapUp → Closed when the wrap-up time ran out.
    case wrapUpEnded
    /// W1 autoCloseAfterInactivity.
    case autoClosed
    /// Open → Closed: the customer left.
    case customerLeft
    case unrecognized(Int)
}

/// Distributor → router: the conversation is Closed, so the customer's next message starts a
/// new one (R1). Resent until acknowledged with `Ack` (type 0x0305).
public struct ConversationClosed: Sendable, Hashable {
    /// Required.
    public var conversationID: String
    public var queue: String
    public var reason: CloseReason
    public var closedAtMs: Int64

    public init(conversationID: String, queue: String = "", reason: CloseReason = .unspecified, closedAtMs: Int64 = 0) {
        self.conversationID = conversationID
        self.queue = queue
        self.reason = reason
        self.closedAtMs = closedAtMs
    }
}

// MARK: protobuf mapping

extension CloseReason {
    init(proto: Switchboard_Wire_V1_CloseReason) {
        switch proto {
        case .unspecified: self = .unspecified
        case .agentClosed: self = .agentClosed
        case .wrapUpEnded: self = .wrapUpEnded
        case .autoClosed: self = .autoClosed
        case .customerLeft: self = .customerLeft
        case .UNRECOGNIZED(let raw): self = .unrecognized(raw)
        }
    }

    var proto: Switchboard_Wire_V1_CloseReason {
        switch self {
        case .unspecified: .unspecified
        case .agentClosed: .agentClosed
        case .wrapUpEnded: .wrapUpEnded
        case .autoClosed: .autoClosed
        case .customerLeft: .customerLeft
        case .unrecognized(let raw): Switchboard_Wire_V1_CloseReason(rawValue: raw) ?? .unspecified
        }
    }
}

extension ConversationClosed: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_ConversationClosed) throws(WireError) {
        self.init(
            conversationID: try requireID(proto.conversationID, "conversation_id"),
            queue: try checkID(proto.queue, "queue"), reason: CloseReason(proto: proto.reason), closedAtMs: proto.closedAtMs)
    }

    var proto: Switchboard_Wire_V1_ConversationClosed {
        var proto = Switchboard_Wire_V1_ConversationClosed()
        proto.conversationID = conversationID
        proto.queue = queue
        proto.reason = reason.proto
        proto.closedAtMs = closedAtMs
        return proto
    }
}

/// Distributor → router: D8 to a queue of another distributor (type 0x0306), answered by `Ack`.
public struct ConversationTransferred: Sendable, Hashable {
    /// Required.
    public var conversationID: String
    public var fromQueue: String
    /// Required.
    public var toQueue: String
    public var agentID: String
    public var note: String

    public init(conversationID: String, fromQueue: String = "", toQueue: String, agentID: String = "", note: String = "") {
        self.conversationID = conversationID
        self.fromQueue = fromQueue
        self.toQueue = toQueue
        self.agentID = agentID
        self.note = note
    }
}

extension ConversationTransferred: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_ConversationTransferred) throws(WireError) {
        self.init(
            conversationID: try requireID(proto.conversationID, "conversation_id"), fromQueue: try checkID(proto.fromQueue, "from_queue"),
            toQueue: try requireID(proto.toQueue, "to_queue"), agentID: try checkID(proto.agentID, "agent_id"), note: proto.note)
    }

    var proto: Switchboard_Wire_V1_ConversationTransferred {
        var proto = Switchboard_Wire_V1_ConversationTransferred()
        proto.conversationID = conversationID
        proto.fromQueue = fromQueue
        proto.toQueue = toQueue
        proto.agentID = agentID
        proto.note = note
        return proto
    }
}
