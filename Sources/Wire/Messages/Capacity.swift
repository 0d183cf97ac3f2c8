// Capacity reservations, distributor -> presence (capacity.proto).

/// Why capacity is reserved; decides what presence checks (wire.md 5.4).
public enum ReserveReason: Sendable, Hashable, CaseIterable {
    /// D1: needs an allowed presence and free capacity.
    case push
    /// D2: may go above capacity.
    case pick
    /// D3: ignores capacity and presence.
    case selectFromPush
    /// D4: ignores capacity and presence.
    case affinity
}

/// Distributor -> presence: reserve capacity of an agent (type 0x0401).
public struct Reserve: Sendable, Hashable {
    /// Required: the request id, unique, chosen by the distributor; Release names it;
    /// presence dedupes on it.
    public var reservationID: String
    /// Required.
    public var agentID: String
    /// Required.
    public var conversationID: String
    /// Required, > 0.
    public var units: UInt32
    public var reason: ReserveReason
    public var queue: String?
    /// For `push`: the work stream's allowed presences.
    public var allowedPresences: [BasePresence]
    /// The offer this capacity is for: presence makes it to the agent as soon as the capacity
    /// is granted and says so in `Grant.offered`, so no Offer message follows (decisions §26).
    public var offer: Offer?

    public init(
        reservationID: String, agentID: String, conversationID: String, units: UInt32,
        reason: ReserveReason, queue: String? = nil, allowedPresences: [BasePresence] = [], offer: Offer? = nil
    ) {
        self.offer = offer
        self.reservationID = reservationID
        self.agentID = agentID
        self.conversationID = conversationID
        self.units = units
        self.reason = reason
        self.queue = queue
        self.allowedPresences = allowedPresences
    }
}

/// Presence -> distributor: reserved (type 0x0402).
public struct Grant: Sendable, Hashable {
    /// The Reserve's message id.
    public var requestID: MessageID
    public var reservationID: String
    public var agentID: String
    public var conversationID: String
    public var units: UInt32
    public var capacityTotal: UInt32
    /// May exceed `capacityTotal` for pick, select-from-push and affinity.
    public var capacityUsed: UInt32
    /// The grant took the agent above capacity (recorded, D6).
    public var overCapacity: Bool
    /// The AgentUpdate sequence that publishes this change.
    public var sequence: UInt64
    /// The Reserve's offer was made to the agent (or stood already); false: the distributor
    /// sends it as an Offer.
    public var offered: Bool

    public init(
        requestID: MessageID, reservationID: String, agentID: String = "", conversationID: String = "",
        units: UInt32 = 0, capacityTotal: UInt32 = 0, capacityUsed: UInt32 = 0,
        overCapacity: Bool = false, sequence: UInt64 = 0, offered: Bool = false
    ) {
        self.offered = offered
        self.requestID = requestID
        self.reservationID = reservationID
        self.agentID = agentID
        self.conversationID = conversationID
        self.units = units
        self.capacityTotal = capacityTotal
        self.capacityUsed = capacityUsed
        self.overCapacity = overCapacity
        self.sequence = sequence
    }
}

/// Why a Reserve is denied. Informational: unknown values are kept as `unrecognized`.
public enum DenyReason: Sendable, Hashable {
    case unspecified
    case noCapacity
    case presenceNotAllowed
    case unknownAgent
    case unrecognized(Int)
}

/// Presence -> distributor: not reserved (type 0x0403).
public struct Deny: Sendable, Hashable {
    public var requestID: MessageID
    public var reservationID: String
    public var reason: DenyReason
    public var detail: String

    public init(requestID: MessageID, reservationID: String, reason: DenyReason, detail: String = "") {
        self.requestID = requestID
        self.reservationID = reservationID
        self.reason = reason
        self.detail = detail
    }
}

/// Distributor -> presence: give reserved capacity back (type 0x0404).
public struct Release: Sendable, Hashable {
    /// Required.
    public var reservationID: String
    /// Required.
    public var agentID: String
    /// Required.
    public var conversationID: String
    public var units: UInt32

    public init(reservationID: String, agentID: String, conversationID: String, units: UInt32 = 0) {
        self.reservationID = reservationID
        self.agentID = agentID
        self.conversationID = conversationID
        self.units = units
    }
}

/// Presence -> distributor (type 0x0405).
public struct ReleaseAck: Sendable, Hashable {
    /// The Release's message id.
    public var ackedID: MessageID
    public var reservationID: String
    /// False: unknown or already released (still a success).
    public var wasHeld: Bool
    /// The agent's used capacity after the release.
    public var capacityUsed: UInt32

    public init(ackedID: MessageID, reservationID: String, wasHeld: Bool = false, capacityUsed: UInt32 = 0) {
        self.ackedID = ackedID
        self.reservationID = reservationID
        self.wasHeld = wasHeld
        self.capacityUsed = capacityUsed
    }
}

// MARK: protobuf mapping

extension ReserveReason {
    init(proto: Switchboard_Wire_V1_ReserveReason, field: String) throws(WireError) {
        switch proto {
        case .push: self = .push
        case .pick: self = .pick
        case .selectFromPush: self = .selectFromPush
        case .affinity: self = .affinity
        case .unspecified: throw WireError.missing(field)
        case .UNRECOGNIZED(let raw): throw WireError.invalid(field, "unknown reserve reason \(raw)")
        }
    }

    var proto: Switchboard_Wire_V1_ReserveReason {
        switch self {
        case .push: .push
        case .pick: .pick
        case .selectFromPush: .selectFromPush
        case .affinity: .affinity
        }
    }
}

extension Reserve: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_Reserve) throws(WireError) {
        guard proto.units > 0 else { throw WireError.missing("units") }
        var presences = [BasePresence]()
        presences.reserveCapacity(proto.allowedPresences.count)
        for (index, presence) in proto.allowedPresences.enumerated() {
            presences.append(try BasePresence(proto: presence, field: "allowed_presences[\(index)]"))
        }
        self.init(
            reservationID: try requireID(proto.reservationID, "reservation_id"),
            agentID: try requireID(proto.agentID, "agent_id"),
            conversationID: try requireID(proto.conversationID, "conversation_id"),
            units: proto.units,
            reason: try ReserveReason(proto: proto.reason, field: "reason"),
            queue: try optionalID(proto.queue, "queue"),
            allowedPresences: presences,
            offer: proto.hasOffer ? try Offer(proto: proto.offer) : nil)
    }

    var proto: Switchboard_Wire_V1_Reserve {
        var proto = Switchboard_Wire_V1_Reserve()
        proto.reservationID = reservationID
        proto.agentID = agentID
        proto.conversationID = conversationID
        proto.units = units
        proto.reason = reason.proto
        proto.queue = queue ?? ""
        proto.allowedPresences = allowedPresences.map(\.proto)
        if let offer { proto.offer = offer.proto }
        return proto
    }
}

extension Grant: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_Grant) throws(WireError) {
        self.init(
            requestID: try requireMessageID(proto.requestID, "request_id"),
            reservationID: try requireID(proto.reservationID, "reservation_id"),
            agentID: try checkID(proto.agentID, "agent_id"),
            conversationID: try checkID(proto.conversationID, "conversation_id"),
            units: proto.units,
            capacityTotal: proto.capacityTotal,
            capacityUsed: proto.capacityUsed,
            overCapacity: proto.overCapacity,
            sequence: proto.sequence,
            offered: proto.offered)
    }

    var proto: Switchboard_Wire_V1_Grant {
        var proto = Switchboard_Wire_V1_Grant()
        proto.requestID = requestID.data
        proto.reservationID = reservationID
        proto.agentID = agentID
        proto.conversationID = conversationID
        proto.units = units
        proto.capacityTotal = capacityTotal
        proto.capacityUsed = capacityUsed
        proto.overCapacity = overCapacity
        proto.sequence = sequence
        proto.offered = offered
        return proto
    }
}

extension DenyReason {
    init(proto: Switchboard_Wire_V1_DenyReason) {
        switch proto {
        case .unspecified: self = .unspecified
        case .noCapacity: self = .noCapacity
        case .presenceNotAllowed: self = .presenceNotAllowed
        case .unknownAgent: self = .unknownAgent
        case .UNRECOGNIZED(let raw): self = .unrecognized(raw)
        }
    }

    var proto: Switchboard_Wire_V1_DenyReason {
        switch self {
        case .unspecified: .unspecified
        case .noCapacity: .noCapacity
        case .presenceNotAllowed: .presenceNotAllowed
        case .unknownAgent: .unknownAgent
        case .unrecognized(let raw): Switchboard_Wire_V1_DenyReason(rawValue: raw) ?? .unspecified
        }
    }
}

extension Deny: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_Deny) throws(WireError) {
        self.init(
            requestID: try requireMessageID(proto.requestID, "request_id"),
            reservationID: try requireID(proto.reservationID, "reservation_id"),
            reason: DenyReason(proto: proto.reason),
            detail: proto.detail)
    }

    var proto: Switchboard_Wire_V1_Deny {
        var proto = Switchboard_Wire_V1_Deny()
        proto.requestID = requestID.data
        proto.reservationID = reservationID
        proto.reason = reason.proto
        proto.detail = detail
        return proto
    }
}

extension Release: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_Release) throws(WireError) {
        self.init(
            reservationID: try requireID(proto.reservationID, "reservation_id"),
            agentID: try requireID(proto.agentID, "agent_id"),
            conversationID: try requireID(proto.conversationID, "conversation_id"),
            units: proto.units)
    }

    var proto: Switchboard_Wire_V1_Release {
        var proto = Switchboard_Wire_V1_Release()
        proto.reservationID = reservationID
        proto.agentID = agentID
        proto.conversationID = conversationID
        proto.units = units
        return proto
    }
}

extension ReleaseAck: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_ReleaseAck) throws(WireError) {
        self.init(
            ackedID: try requireMessageID(proto.ackedID, "acked_id"),
            reservationID: try requireID(proto.reservationID, "reservation_id"),
            wasHeld: proto.wasHeld,
            capacityUsed: proto.capacityUsed)
    }

    var proto: Switchboard_Wire_V1_ReleaseAck {
        var proto = Switchboard_Wire_V1_ReleaseAck()
        proto.ackedID = ackedID.data
        proto.reservationID = reservationID
        proto.wasHeld = wasHeld
        proto.capacityUsed = capacityUsed
        return proto
    }
}
