// Ingress adapter -> router (ingress.proto).

/// An inbound customer message (type 0x0101), resent with the same id until acked.
public struct Submit: Sendable, Hashable {
    public var message: InboundMessage

    public init(message: InboundMessage) {
        self.message = message
    }
}

/// The router's answer to a Submit (type 0x0102).
public struct SubmitAck: Sendable, Hashable {
    /// The Submit's message id.
    public var ackedID: MessageID
    public var outcome: AckOutcome
    /// For accepted and duplicate: the conversation the message joined.
    public var conversationID: String?

    public init(ackedID: MessageID, outcome: AckOutcome, conversationID: String? = nil) {
        self.ackedID = ackedID
        self.outcome = outcome
        self.conversationID = conversationID
    }
}

// MARK: protobuf mapping

extension Submit: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_Submit) throws(WireError) {
        guard proto.hasMessage else { throw WireError.missing("message") }
        self.init(message: try InboundMessage(proto: proto.message, field: "message"))
    }

    var proto: Switchboard_Wire_V1_Submit {
        var proto = Switchboard_Wire_V1_Submit()
        proto.message = message.proto
        return proto
    }
}

extension SubmitAck: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_SubmitAck) throws(WireError) {
        self.init(
            ackedID: try requireMessageID(proto.ackedID, "acked_id"),
            outcome: try AckOutcome(proto: proto.outcome, reason: proto.reason, field: "outcome"),
            conversationID: try optionalID(proto.conversationID, "conversation_id"))
    }

    var proto: Switchboard_Wire_V1_SubmitAck {
        var proto = Switchboard_Wire_V1_SubmitAck()
        proto.ackedID = ackedID.data
        (proto.outcome, proto.reason) = outcome.proto
        proto.conversationID = conversationID ?? ""
        return proto
    }
}
