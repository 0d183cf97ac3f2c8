// Router <-> distributors, and agent replies (routing.proto).

/// Distributor -> router: the queues it serves (type 0x0201).
public struct Ready: Sendable, Hashable {
    /// Required: the configured distributor name.
    public var distributor: String
    /// Required, non-empty.
    public var queues: [String]
    public var capabilities: [String]
    /// 0 = default (1000 ms).
    public var heartbeatIntervalMs: UInt32
    /// Random per process start.
    public var instanceID: String

    public init(
        distributor: String, queues: [String], capabilities: [String] = [],
        heartbeatIntervalMs: UInt32 = 0, instanceID: String = ""
    ) {
        self.distributor = distributor
        self.queues = queues
        self.capabilities = capabilities
        self.heartbeatIntervalMs = heartbeatIntervalMs
        self.instanceID = instanceID
    }
}

/// Router -> distributor: the queues are now its own (type 0x0202).
public struct ReadyAccepted: Sendable, Hashable {
    /// The Ready's message id.
    public var readyID: MessageID
    public var queues: [String]
    public var capabilities: [String]
    public var heartbeatIntervalMs: UInt32

    public init(readyID: MessageID, queues: [String] = [], capabilities: [String] = [], heartbeatIntervalMs: UInt32 = 0) {
        self.readyID = readyID
        self.queues = queues
        self.capabilities = capabilities
        self.heartbeatIntervalMs = heartbeatIntervalMs
    }
}

/// Why a Ready is refused. Informational: unknown values are kept as `unrecognized`.
public enum ReadyRefusalReason: Sendable, Hashable {
    case unspecified
    /// A queue is owned by another live distributor.
    case queueOwned
    /// A queue is not in the configuration.
    case unknownQueue
    /// Protocol capabilities do not fit.
    case incompatible
    case unrecognized(Int)
}

/// Router -> distributor: refused; nothing is routed to it (type 0x0203).
public struct ReadyRefused: Sendable, Hashable {
    public var readyID: MessageID
    public var reason: ReadyRefusalReason
    public var detail: String
    public var conflictingQueues: [String]
    /// For `queueOwned`: the owning distributor.
    public var currentOwner: String?

    public init(
        readyID: MessageID, reason: ReadyRefusalReason, detail: String = "",
        conflictingQueues: [String] = [], currentOwner: String? = nil
    ) {
        self.readyID = readyID
        self.reason = reason
        self.detail = detail
        self.conflictingQueues = conflictingQueues
        self.currentOwner = currentOwner
    }
}

/// Whether a Deliver opens a conversation or continues one.
public enum DeliveryKind: Sendable, Hashable {
    case newConversation
    case followUp
}

/// Router -> distributor: a customer message for one of its queues (type 0x0301).
public struct Deliver: Sendable, Hashable {
    /// Required.
    public var conversationID: String
    /// Required.
    public var workStream: String
    /// Required.
    public var queue: String
    public var kind: DeliveryKind
    public var message: InboundMessage
    /// The conversation's context after W2 resolution.
    public var context: [String: ContextValue]
    /// 1, 2, 3, ... per conversation.
    public var conversationSequence: UInt64
    /// The matched routing rule; nil = fallback queue.
    public var routingRule: String?

    public init(
        conversationID: String, workStream: String, queue: String, kind: DeliveryKind,
        message: InboundMessage, context: [String: ContextValue] = [:],
        conversationSequence: UInt64 = 0, routingRule: String? = nil
    ) {
        self.conversationID = conversationID
        self.workStream = workStream
        self.queue = queue
        self.kind = kind
        self.message = message
        self.context = context
        self.conversationSequence = conversationSequence
        self.routingRule = routingRule
    }
}

/// Distributor -> router (type 0x0302).
public struct DeliverAck: Sendable, Hashable {
    public var ackedID: MessageID
    public var outcome: AckOutcome

    public init(ackedID: MessageID, outcome: AckOutcome) {
        self.ackedID = ackedID
        self.outcome = outcome
    }
}

/// An agent's reply to the customer: presence -> distributor -> router -> ingress (type 0x0303).
public struct AgentReply: Sendable, Hashable {
    /// Required.
    public var conversationID: String
    /// Set by the distributor from the conversation (empty from presence).
    public var channelInstanceID: String
    /// Set by the distributor; selects the ingress adapter.
    public var channelType: String
    /// Set by the distributor.
    public var customerAddress: String
    /// Required.
    public var agentID: String
    public var text: String
    public var attachments: [Attachment]
    public var sentAtMs: Int64

    public init(
        conversationID: String, channelInstanceID: String, channelType: String,
        customerAddress: String, agentID: String, text: String = "",
        attachments: [Attachment] = [], sentAtMs: Int64 = 0
    ) {
        self.conversationID = conversationID
        self.channelInstanceID = channelInstanceID
        self.channelType = channelType
        self.customerAddress = customerAddress
        self.agentID = agentID
        self.text = text
        self.attachments = attachments
        self.sentAtMs = sentAtMs
    }
}

/// Ingress -> router -> distributor (type 0x0304).
public struct AgentReplyAck: Sendable, Hashable {
    public var ackedID: MessageID
    public var outcome: AckOutcome
    /// The provider's id of the sent message, if any.
    public var providerMessageID: String?
    /// Rejected by a distributor that has no such conversation (presence may ask another).
    public var unknownConversation: Bool

    public init(ackedID: MessageID, outcome: AckOutcome, providerMessageID: String? = nil, unknownConversation: Bool = false) {
        self.ackedID = ackedID
        self.outcome = outcome
        self.providerMessageID = providerMessageID
        self.unknownConversation = unknownConversation
    }
}

// MARK: protobuf mapping

extension Ready: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_Ready) throws(WireError) {
        guard !proto.queues.isEmpty else { throw WireError.missing("queues") }
        for (index, queue) in proto.queues.enumerated() where queue.isEmpty {
            throw WireError.invalid("queues[\(index)]", "a queue name is empty")
        }
        self.init(
            distributor: try requireID(proto.distributor, "distributor"),
            queues: try checkIDs(proto.queues, "queues"),
            capabilities: try checkIDs(proto.capabilities, "capabilities"),
            heartbeatIntervalMs: proto.heartbeatIntervalMs,
            instanceID: try checkID(proto.instanceID, "instance_id"))
    }

    var proto: Switchboard_Wire_V1_Ready {
        var proto = Switchboard_Wire_V1_Ready()
        proto.distributor = distributor
        proto.queues = queues
        proto.capabilities = capabilities
        proto.heartbeatIntervalMs = heartbeatIntervalMs
        proto.instanceID = instanceID
        return proto
    }
}

extension ReadyAccepted: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_ReadyAccepted) throws(WireError) {
        self.init(
            readyID: try requireMessageID(proto.readyID, "ready_id"),
            queues: try checkIDs(proto.queues, "queues"),
            capabilities: try checkIDs(proto.capabilities, "capabilities"),
            heartbeatIntervalMs: proto.heartbeatIntervalMs)
    }

    var proto: Switchboard_Wire_V1_ReadyAccepted {
        var proto = Switchboard_Wire_V1_ReadyAccepted()
        proto.readyID = readyID.data
        proto.queues = queues
        proto.capabilities = capabilities
        proto.heartbeatIntervalMs = heartbeatIntervalMs
        return proto
    }
}

extension ReadyRefusalReason {
    init(proto: Switchboard_Wire_V1_ReadyRefusalReason) {
        switch proto {
        case .unspecified: self = .unspecified
        case .queueOwned: self = .queueOwned
        case .unknownQueue: self = .unknownQueue
        case .incompatible: self = .incompatible
        case .UNRECOGNIZED(let raw): self = .unrecognized(raw)
        }
    }

    var proto: Switchboard_Wire_V1_ReadyRefusalReason {
        switch self {
        case .unspecified: .unspecified
        case .queueOwned: .queueOwned
        case .unknownQueue: .unknownQueue
        case .incompatible: .incompatible
        case .unrecognized(let raw): Switchboard_Wire_V1_ReadyRefusalReason(rawValue: raw) ?? .unspecified
        }
    }
}

extension ReadyRefused: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_ReadyRefused) throws(WireError) {
        self.init(
            readyID: try requireMessageID(proto.readyID, "ready_id"),
            reason: ReadyRefusalReason(proto: proto.reason),
            detail: proto.detail,
            conflictingQueues: try checkIDs(proto.conflictingQueues, "conflicting_queues"),
            currentOwner: try optionalID(proto.currentOwner, "current_owner"))
    }

    var proto: Switchboard_Wire_V1_ReadyRefused {
        var proto = Switchboard_Wire_V1_ReadyRefused()
        proto.readyID = readyID.data
        proto.reason = reason.proto
        proto.detail = detail
        proto.conflictingQueues = conflictingQueues
        proto.currentOwner = currentOwner ?? ""
        return proto
    }
}

extension DeliveryKind {
    init(proto: Switchboard_Wire_V1_DeliveryKind, field: String) throws(WireError) {
        switch proto {
        case .newConversation: self = .newConversation
        case .followUp: self = .followUp
        case .unspecified: throw WireError.missing(field)
        case .UNRECOGNIZED(let raw): throw WireError.invalid(field, "unknown delivery kind \(raw)")
        }
    }

    var proto: Switchboard_Wire_V1_DeliveryKind {
        switch self {
        case .newConversation: .newConversation
        case .followUp: .followUp
        }
    }
}

extension Deliver: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_Deliver) throws(WireError) {
        guard proto.hasMessage else { throw WireError.missing("message") }
        self.init(
            conversationID: try requireID(proto.conversationID, "conversation_id"),
            workStream: try requireID(proto.workStream, "work_stream"),
            queue: try requireID(proto.queue, "queue"),
            kind: try DeliveryKind(proto: proto.kind, field: "kind"),
            message: try InboundMessage(proto: proto.message, field: "message"),
            context: try decodeContext(proto.context, field: "context"),
            conversationSequence: proto.conversationSequence,
            routingRule: try optionalID(proto.routingRule, "routing_rule"))
    }

    var proto: Switchboard_Wire_V1_Deliver {
        var proto = Switchboard_Wire_V1_Deliver()
        proto.conversationID = conversationID
        proto.workStream = workStream
        proto.queue = queue
        proto.kind = kind.proto
        proto.message = message.proto
        proto.context = protoContext(context)
        proto.conversationSequence = conversationSequence
        proto.routingRule = routingRule ?? ""
        return proto
    }
}

extension DeliverAck: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_DeliverAck) throws(WireError) {
        self.init(
            ackedID: try requireMessageID(proto.ackedID, "acked_id"),
            outcome: try AckOutcome(proto: proto.outcome, reason: proto.reason, field: "outcome"))
    }

    var proto: Switchboard_Wire_V1_DeliverAck {
        var proto = Switchboard_Wire_V1_DeliverAck()
        proto.ackedID = ackedID.data
        (proto.outcome, proto.reason) = outcome.proto
        return proto
    }
}

extension AgentReply: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_AgentReply) throws(WireError) {
        self.init(
            conversationID: try requireID(proto.conversationID, "conversation_id"),
            // Empty on the presence → distributor hop: the distributor fills them from the
            // conversation (G5); the router refuses a reply without them.
            channelInstanceID: try checkID(proto.channelInstanceID, "channel_instance_id"),
            channelType: try checkID(proto.channelType, "channel_type"),
            customerAddress: try checkID(proto.customerAddress, "customer_address"),
            agentID: try requireID(proto.agentID, "agent_id"),
            text: proto.text,
            attachments: try decodeAttachments(proto.attachments, field: "attachments"),
            sentAtMs: proto.sentAtMs)
    }

    var proto: Switchboard_Wire_V1_AgentReply {
        var proto = Switchboard_Wire_V1_AgentReply()
        proto.conversationID = conversationID
        proto.channelInstanceID = channelInstanceID
        proto.channelType = channelType
        proto.customerAddress = customerAddress
        proto.agentID = agentID
        proto.text = text
        proto.attachments = attachments.map(\.proto)
        proto.sentAtMs = sentAtMs
        return proto
    }
}

extension AgentReplyAck: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_AgentReplyAck) throws(WireError) {
        self.init(
            ackedID: try requireMessageID(proto.ackedID, "acked_id"),
            outcome: try AckOutcome(proto: proto.outcome, reason: proto.reason, field: "outcome"),
            providerMessageID: try optionalID(proto.providerMessageID, "provider_message_id"),
            unknownConversation: proto.unknownConversation)
    }

    var proto: Switchboard_Wire_V1_AgentReplyAck {
        var proto = Switchboard_Wire_V1_AgentReplyAck()
        proto.ackedID = ackedID.data
        (proto.outcome, proto.reason) = outcome.proto
        proto.providerMessageID = providerMessageID ?? ""
        proto.unknownConversation = unknownConversation
        return proto
    }
}
