// Offers and agent actions, distributor <-> presence (offers.proto).

/// What kind of offer. Informational: unknown values are kept as `unrecognized`.
public enum OfferKind: Sendable, Hashable {
    case unspecified
    /// D1.
    case push
    /// D4.
    case affinity
    /// D8, transfer to an agent.
    case transfer
    case unrecognized(Int)
}

/// Distributor -> presence -> agent: take this conversation? (type 0x0601).
public struct Offer: Sendable, Hashable {
    /// Required.
    public var offerID: String
    /// Required.
    public var conversationID: String
    /// Required.
    public var agentID: String
    /// Required.
    public var queue: String
    /// Required.
    public var workStream: String
    /// Required (non-zero), ms since the Unix epoch.
    public var expiresAtMs: Int64
    /// What the agent sees before accepting.
    public var summary: [String: ContextValue]
    public var kind: OfferKind
    /// The capacity reservation held for this offer, if any.
    public var reservationID: String?
    public var channelType: String?
    /// The customer's messages 1...n so far, shown with the offer; the agent's accept is
    /// their receipt (decisions §57). At most `maxMessages`, numbered from 1 without a gap.
    public var messages: [OfferedMessage]

    /// How many messages an offer carries at most: a conversation with more has the rest
    /// forwarded after the accept, as every later message is.
    public static let maxMessages = 16

    public init(
        offerID: String, conversationID: String, agentID: String, queue: String, workStream: String,
        expiresAtMs: Int64, summary: [String: ContextValue] = [:], kind: OfferKind = .unspecified,
        reservationID: String? = nil, channelType: String? = nil, messages: [OfferedMessage] = []
    ) {
        self.offerID = offerID
        self.conversationID = conversationID
        self.agentID = agentID
        self.queue = queue
        self.workStream = workStream
        self.expiresAtMs = expiresAtMs
        self.summary = summary
        self.kind = kind
        self.reservationID = reservationID
        self.channelType = channelType
        self.messages = messages
    }
}

/// A customer message an offer carries.
public struct OfferedMessage: Sendable, Hashable {
    /// Its position in the conversation, from 1.
    public var sequence: UInt64
    public var message: InboundMessage

    public init(sequence: UInt64, message: InboundMessage) {
        self.sequence = sequence
        self.message = message
    }
}

/// The agent's answer to an offer.
public enum OfferDecision: Sendable, Hashable, CaseIterable {
    case accept
    case reject
}

/// Agent -> presence -> distributor (type 0x0602).
public struct OfferReply: Sendable, Hashable {
    /// Required.
    public var offerID: String
    /// Required.
    public var agentID: String
    public var conversationID: String?
    public var decision: OfferDecision
    public var decidedAtMs: Int64
    /// The last of the offer's messages the agent had with it (0: none): on accept, the
    /// receipt of messages 1...messagesThrough (decisions §57).
    public var messagesThrough: UInt64

    public init(
        offerID: String, agentID: String, conversationID: String? = nil, decision: OfferDecision, decidedAtMs: Int64 = 0,
        messagesThrough: UInt64 = 0
    ) {
        self.offerID = offerID
        self.agentID = agentID
        self.conversationID = conversationID
        self.decision = decision
        self.decidedAtMs = decidedAtMs
        self.messagesThrough = messagesThrough
    }
}

/// Why an offer was withdrawn. Informational: unknown values are kept as `unrecognized`.
public enum WithdrawReason: Sendable, Hashable {
    case unspecified
    case expired
    /// Picked or accepted elsewhere.
    case taken
    case conversationClosed
    /// Presence or connection changed.
    case agentUnavailable
    case unrecognized(Int)
}

/// Distributor -> presence -> agent: the offer no longer stands (type 0x0603).
public struct OfferWithdrawn: Sendable, Hashable {
    /// Required.
    public var offerID: String
    /// Required.
    public var agentID: String
    public var conversationID: String?
    public var reason: WithdrawReason

    public init(offerID: String, agentID: String, conversationID: String? = nil, reason: WithdrawReason = .unspecified) {
        self.offerID = offerID
        self.agentID = agentID
        self.conversationID = conversationID
        self.reason = reason
    }
}

/// Agent -> presence -> distributor: something an agent does to a conversation
/// (type 0x0604).
public struct AgentAction: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// D2/D3: take an open work item.
        case pick
        /// Active -> Open.
        case release
        /// Active -> Waiting.
        case hold
        /// Active -> WrapUp.
        case wrapUp
        /// WrapUp -> Closed.
        case close
        /// D8: to another queue (it becomes Open there).
        case transferToQueue(String)
        /// D8: to another agent (offered to that agent).
        case transferToAgent(String)
    }

    /// Required: unique, chosen by presence; the distributor dedupes on it.
    public var actionID: String
    /// Required: authenticated by presence (G5).
    public var agentID: String
    /// Required.
    public var conversationID: String
    public var kind: Kind
    /// The conversation's queue (routes the action to its owner).
    public var queue: String?
    public var note: String
    public var requestedAtMs: Int64
    /// Presence applies releases carried by the result, and understands
    /// `WorkItems.heldReservationIDs` (decisions §58). False from a presence that does not.
    public var releasesInResult: Bool

    public init(
        actionID: String, agentID: String, conversationID: String, kind: Kind,
        queue: String? = nil, note: String = "", requestedAtMs: Int64 = 0, releasesInResult: Bool = false
    ) {
        self.actionID = actionID
        self.agentID = agentID
        self.conversationID = conversationID
        self.kind = kind
        self.queue = queue
        self.note = note
        self.requestedAtMs = requestedAtMs
        self.releasesInResult = releasesInResult
    }
}

/// Why an agent action was refused. Informational: unknown values are kept as
/// `unrecognized`.
public enum AgentActionRefusal: Sendable, Hashable {
    case unspecified
    /// D2: a second pick.
    case alreadyTaken
    /// G5.
    case notAllowed
    /// A move D5 forbids.
    case invalidState
    case unknownConversation
    /// Transfer target queue or agent unknown.
    case unknownTarget
    case unrecognized(Int)
}

/// Distributor -> presence -> agent (type 0x0605).
public struct AgentActionResult: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case done
        case refused(AgentActionRefusal)
    }

    /// The AgentAction's message id.
    public var actionMessageID: MessageID
    /// Required.
    public var actionID: String
    public var agentID: String
    public var conversationID: String
    public var outcome: Outcome
    public var detail: String
    /// The conversation's D5 state after the action ("Active", "Open", ...).
    public var conversationState: String?
    /// The reservations the action gave back, when the action asked for them here
    /// (`AgentAction.releasesInResult`): presence releases each; no Release is sent.
    public var releases: [Release]

    public init(
        actionMessageID: MessageID, actionID: String, agentID: String = "", conversationID: String = "",
        outcome: Outcome, detail: String = "", conversationState: String? = nil, releases: [Release] = []
    ) {
        self.actionMessageID = actionMessageID
        self.actionID = actionID
        self.agentID = agentID
        self.conversationID = conversationID
        self.outcome = outcome
        self.detail = detail
        self.conversationState = conversationState
        self.releases = releases
    }
}

// MARK: protobuf mapping

extension OfferKind {
    init(proto: Switchboard_Wire_V1_OfferKind) {
        switch proto {
        case .unspecified: self = .unspecified
        case .push: self = .push
        case .affinity: self = .affinity
        case .transfer: self = .transfer
        case .UNRECOGNIZED(let raw): self = .unrecognized(raw)
        }
    }

    var proto: Switchboard_Wire_V1_OfferKind {
        switch self {
        case .unspecified: .unspecified
        case .push: .push
        case .affinity: .affinity
        case .transfer: .transfer
        case .unrecognized(let raw): Switchboard_Wire_V1_OfferKind(rawValue: raw) ?? .unspecified
        }
    }
}

extension Offer: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_Offer) throws(WireError) {
        guard proto.expiresAtMs != 0 else { throw WireError.missing("expires_at_ms") }
        self.init(
            offerID: try requireID(proto.offerID, "offer_id"),
            conversationID: try requireID(proto.conversationID, "conversation_id"),
            agentID: try requireID(proto.agentID, "agent_id"),
            queue: try requireID(proto.queue, "queue"),
            workStream: try requireID(proto.workStream, "work_stream"),
            expiresAtMs: proto.expiresAtMs,
            summary: try decodeContext(proto.summary, field: "summary"),
            kind: OfferKind(proto: proto.kind),
            reservationID: try optionalID(proto.reservationID, "reservation_id"),
            channelType: try optionalID(proto.channelType, "channel_type"),
            messages: try Self.messages(proto.messages))
    }

    /// Messages 1...n, n at most `maxMessages`: what the receiver may take the accept as
    /// the receipt of.
    private static func messages(_ proto: [Switchboard_Wire_V1_OfferedMessage]) throws(WireError) -> [OfferedMessage] {
        guard proto.count <= maxMessages else {
            throw WireError.invalid("messages", "at most \(maxMessages) messages, not \(proto.count)")
        }
        var messages: [OfferedMessage] = []
        messages.reserveCapacity(proto.count)
        for (index, offered) in proto.enumerated() {
            guard offered.sequence == UInt64(index + 1) else {
                throw WireError.invalid("messages", "message \(index + 1) has sequence \(offered.sequence): they must be 1...n")
            }
            guard offered.hasMessage else { throw WireError.missing("messages.message") }
            messages.append(OfferedMessage(sequence: offered.sequence, message: try InboundMessage(proto: offered.message, field: "messages.message")))
        }
        return messages
    }

    var proto: Switchboard_Wire_V1_Offer {
        var proto = Switchboard_Wire_V1_Offer()
        proto.offerID = offerID
        proto.conversationID = conversationID
        proto.agentID = agentID
        proto.queue = queue
        proto.workStream = workStream
        proto.expiresAtMs = expiresAtMs
        proto.summary = protoContext(summary)
        proto.kind = kind.proto
        proto.reservationID = reservationID ?? ""
        proto.channelType = channelType ?? ""
        proto.messages = messages.map { offered in
            var message = Switchboard_Wire_V1_OfferedMessage()
            message.sequence = offered.sequence
            message.message = offered.message.proto
            return message
        }
        return proto
    }
}

extension OfferDecision {
    init(proto: Switchboard_Wire_V1_OfferDecision, field: String) throws(WireError) {
        switch proto {
        case .accept: self = .accept
        case .reject: self = .reject
        case .unspecified: throw WireError.missing(field)
        case .UNRECOGNIZED(let raw): throw WireError.invalid(field, "unknown offer decision \(raw)")
        }
    }

    var proto: Switchboard_Wire_V1_OfferDecision {
        switch self {
        case .accept: .accept
        case .reject: .reject
        }
    }
}

extension OfferReply: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_OfferReply) throws(WireError) {
        self.init(
            offerID: try requireID(proto.offerID, "offer_id"),
            agentID: try requireID(proto.agentID, "agent_id"),
            conversationID: try optionalID(proto.conversationID, "conversation_id"),
            decision: try OfferDecision(proto: proto.decision, field: "decision"),
            decidedAtMs: proto.decidedAtMs, messagesThrough: proto.messagesThrough)
    }

    var proto: Switchboard_Wire_V1_OfferReply {
        var proto = Switchboard_Wire_V1_OfferReply()
        proto.offerID = offerID
        proto.agentID = agentID
        proto.conversationID = conversationID ?? ""
        proto.decision = decision.proto
        proto.decidedAtMs = decidedAtMs
        proto.messagesThrough = messagesThrough
        return proto
    }
}

extension WithdrawReason {
    init(proto: Switchboard_Wire_V1_WithdrawReason) {
        switch proto {
        case .unspecified: self = .unspecified
        case .expired: self = .expired
        case .taken: self = .taken
        case .conversationClosed: self = .conversationClosed
        case .agentUnavailable: self = .agentUnavailable
        case .UNRECOGNIZED(let raw): self = .unrecognized(raw)
        }
    }

    var proto: Switchboard_Wire_V1_WithdrawReason {
        switch self {
        case .unspecified: .unspecified
        case .expired: .expired
        case .taken: .taken
        case .conversationClosed: .conversationClosed
        case .agentUnavailable: .agentUnavailable
        case .unrecognized(let raw): Switchboard_Wire_V1_WithdrawReason(rawValue: raw) ?? .unspecified
        }
    }
}

extension OfferWithdrawn: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_OfferWithdrawn) throws(WireError) {
        self.init(
            offerID: try requireID(proto.offerID, "offer_id"),
            agentID: try requireID(proto.agentID, "agent_id"),
            conversationID: try optionalID(proto.conversationID, "conversation_id"),
            reason: WithdrawReason(proto: proto.reason))
    }

    var proto: Switchboard_Wire_V1_OfferWithdrawn {
        var proto = Switchboard_Wire_V1_OfferWithdrawn()
        proto.offerID = offerID
        proto.agentID = agentID
        proto.conversationID = conversationID ?? ""
        proto.reason = reason.proto
        return proto
    }
}

extension AgentAction: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_AgentAction) throws(WireError) {
        let kind: Kind
        switch proto.kind {
        case .pick: kind = .pick
        case .release: kind = .release
        case .hold: kind = .hold
        case .wrapUp: kind = .wrapUp
        case .close: kind = .close
        case .transferToQueue: kind = .transferToQueue(try requireID(proto.targetQueue, "target_queue"))
        case .transferToAgent: kind = .transferToAgent(try requireID(proto.targetAgentID, "target_agent_id"))
        case .unspecified: throw WireError.missing("kind")
        case .UNRECOGNIZED(let raw): throw WireError.invalid("kind", "unknown agent action kind \(raw)")
        }
        self.init(
            actionID: try requireID(proto.actionID, "action_id"),
            agentID: try requireID(proto.agentID, "agent_id"),
            conversationID: try requireID(proto.conversationID, "conversation_id"),
            kind: kind,
            queue: try optionalID(proto.queue, "queue"),
            note: proto.note,
            requestedAtMs: proto.requestedAtMs,
            releasesInResult: proto.releasesInResult)
    }

    var proto: Switchboard_Wire_V1_AgentAction {
        var proto = Switchboard_Wire_V1_AgentAction()
        proto.actionID = actionID
        proto.agentID = agentID
        proto.conversationID = conversationID
        switch kind {
        case .pick: proto.kind = .pick
        case .release: proto.kind = .release
        case .hold: proto.kind = .hold
        case .wrapUp: proto.kind = .wrapUp
        case .close: proto.kind = .close
        case .transferToQueue(let queue):
            proto.kind = .transferToQueue
            proto.targetQueue = queue
        case .transferToAgent(let agent):
            proto.kind = .transferToAgent
            proto.targetAgentID = agent
        }
        proto.queue = queue ?? ""
        proto.note = note
        proto.requestedAtMs = requestedAtMs
        proto.releasesInResult = releasesInResult
        return proto
    }
}

extension AgentActionRefusal {
    init(proto: Switchboard_Wire_V1_AgentActionRefusal) {
        switch proto {
        case .unspecified: self = .unspecified
        case .alreadyTaken: self = .alreadyTaken
        case .notAllowed: self = .notAllowed
        case .invalidState: self = .invalidState
        case .unknownConversation: self = .unknownConversation
        case .unknownTarget: self = .unknownTarget
        case .UNRECOGNIZED(let raw): self = .unrecognized(raw)
        }
    }

    var proto: Switchboard_Wire_V1_AgentActionRefusal {
        switch self {
        case .unspecified: .unspecified
        case .alreadyTaken: .alreadyTaken
        case .notAllowed: .notAllowed
        case .invalidState: .invalidState
        case .unknownConversation: .unknownConversation
        case .unknownTarget: .unknownTarget
        case .unrecognized(let raw): Switchboard_Wire_V1_AgentActionRefusal(rawValue: raw) ?? .unspecified
        }
    }
}

extension AgentActionResult: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_AgentActionResult) throws(WireError) {
        let outcome: Outcome
        switch proto.outcome {
        case .done: outcome = .done
        case .refused: outcome = .refused(AgentActionRefusal(proto: proto.refusal))
        case .unspecified: throw WireError.missing("outcome")
        case .UNRECOGNIZED(let raw): throw WireError.invalid("outcome", "unknown agent action outcome \(raw)")
        }
        self.init(
            actionMessageID: try requireMessageID(proto.actionMessageID, "action_message_id"),
            actionID: try requireID(proto.actionID, "action_id"),
            agentID: try checkID(proto.agentID, "agent_id"),
            conversationID: try checkID(proto.conversationID, "conversation_id"),
            outcome: outcome,
            detail: proto.detail,
            conversationState: nonEmpty(proto.conversationState),
            releases: try proto.releases.enumerated().map { index, released throws(WireError) in
                try Release(
                    reservationID: requireID(released.reservationID, "releases[\(index)].reservation_id"),
                    agentID: requireID(released.agentID, "releases[\(index)].agent_id"),
                    conversationID: requireID(released.conversationID, "releases[\(index)].conversation_id"),
                    units: released.units)
            })
    }

    var proto: Switchboard_Wire_V1_AgentActionResult {
        var proto = Switchboard_Wire_V1_AgentActionResult()
        proto.actionMessageID = actionMessageID.data
        proto.actionID = actionID
        proto.agentID = agentID
        proto.conversationID = conversationID
        switch outcome {
        case .done: proto.outcome = .done
        case .refused(let refusal):
            proto.outcome = .refused
            proto.refusal = refusal.proto
        }
        proto.detail = detail
        proto.conversationState = conversationState ?? ""
        proto.releases = releases.map { release in
            var released = Switchboard_Wire_V1_ReleasedReservation()
            released.reservationID = release.reservationID
            released.agentID = release.agentID
            released.conversationID = release.conversationID
            released.units = release.units
            return released
        }
        return proto
    }
}

/// Distributor -> presence -> agent: a customer message of a conversation the agent holds,
/// in conversation order (type 0x0606). Presence answers `Ack`.
public struct ConversationMessage: Sendable, Hashable {
    /// Required.
    public var conversationID: String
    /// Required.
    public var agentID: String
    /// Required, > 0: the message's position in its conversation.
    public var sequence: UInt64
    /// Required.
    public var message: InboundMessage
    public var queue: String?
    public var workStream: String?

    public init(
        conversationID: String, agentID: String, sequence: UInt64, message: InboundMessage,
        queue: String? = nil, workStream: String? = nil
    ) {
        self.conversationID = conversationID
        self.agentID = agentID
        self.sequence = sequence
        self.message = message
        self.queue = queue
        self.workStream = workStream
    }
}

extension ConversationMessage: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_ConversationMessage) throws(WireError) {
        guard proto.hasMessage else { throw WireError.missing("message") }
        guard proto.sequence > 0 else {
            throw WireError(code: .invalidFieldValue, message: "sequence must be > 0")
        }
        self.init(
            conversationID: try requireID(proto.conversationID, "conversation_id"),
            agentID: try requireID(proto.agentID, "agent_id"),
            sequence: proto.sequence,
            message: try InboundMessage(proto: proto.message, field: "message"),
            queue: try optionalID(proto.queue, "queue"),
            workStream: try optionalID(proto.workStream, "work_stream"))
    }

    var proto: Switchboard_Wire_V1_ConversationMessage {
        var proto = Switchboard_Wire_V1_ConversationMessage()
        proto.conversationID = conversationID
        proto.agentID = agentID
        proto.sequence = sequence
        proto.message = message.proto
        proto.queue = queue ?? ""
        proto.workStream = workStream ?? ""
        return proto
    }
}
