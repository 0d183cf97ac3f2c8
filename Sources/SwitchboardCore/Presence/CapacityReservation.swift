/// Why capacity is reserved (wire.md 5.4); decides what `PresenceStateMachine.reserve` checks.
public enum CapacityReason: String, Sendable, Hashable, CaseIterable, Codable {
    /// D1: needs an allowed presence and free capacity.
    case push
    /// D2: may go above capacity.
    case pick
    /// D3: ignores capacity and presence.
    case selectFromPush
    /// D4: ignores capacity and presence (also an agent resuming a Waiting conversation).
    case affinity
    /// D8: a transfer to an agent; ignores capacity and presence, the agent accepts or not.
    case transfer
}

/// Capacity an agent holds for one conversation (D6). Presence is its single writer.
public struct CapacityReservation: Sendable, Hashable {
    /// Chosen by the distributor; unique; Release names it.
    public let id: String
    public let agentID: String
    public let conversationID: String
    public let units: Int
    public let reason: CapacityReason
    public let queue: String?
    /// The grant took the agent above capacity (only pick, select-from-push, affinity, transfer; D6 records it).
    public let overCapacity: Bool
    /// ms since the Unix epoch.
    public let grantedAtMs: Int64

    public init(
        id: String, agentID: String, conversationID: String, units: Int, reason: CapacityReason,
        queue: String?, overCapacity: Bool, grantedAtMs: Int64
    ) {
        self.id = id
        self.agentID = agentID
        self.conversationID = conversationID
        self.units = units
        self.reason = reason
        self.queue = queue
        self.overCapacity = overCapacity
        self.grantedAtMs = grantedAtMs
    }
}

/// A distributor's request for capacity.
public struct CapacityRequest: Sendable, Hashable {
    public var reservationID: String
    public var agentID: String
    public var conversationID: String
    public var units: Int
    public var reason: CapacityReason
    public var queue: String?
    /// For `push`: the work stream's allowed base presences.
    public var allowedPresences: Set<BasePresence>

    public init(
        reservationID: String, agentID: String, conversationID: String, units: Int, reason: CapacityReason,
        queue: String? = nil, allowedPresences: Set<BasePresence> = []
    ) {
        self.reservationID = reservationID
        self.agentID = agentID
        self.conversationID = conversationID
        self.units = units
        self.reason = reason
        self.queue = queue
        self.allowedPresences = allowedPresences
    }
}
