/// The answer to a capacity request.
public enum ReserveOutcome: Sendable, Hashable {
    /// Newly reserved; publish `change` (its sequence goes in the Grant).
    case granted(CapacityReservation, PresenceChange)
    /// The same reservation id was granted before: answer the same grant again, change nothing.
    case alreadyGranted(CapacityReservation, AgentPresence, sequence: UInt64)
    case denied(CapacityDenial)
}

/// Why a capacity request was refused (wire `DenyReason`).
public enum CapacityDenial: Sendable, Hashable {
    case noCapacity(free: Int)
    case presenceNotAllowed(BasePresence)
    case notConnected
    case unknownAgent
}

/// The answer to a release (idempotent: an unknown id is not an error).
public struct ReleaseOutcome: Sendable, Hashable {
    /// The released reservation; nil when the id was unknown or already released.
    public let released: CapacityReservation?
    /// The agent's used capacity after the release (0 for an unknown agent).
    public let capacityUsed: Int
    public let change: PresenceChange?

    public var wasHeld: Bool { released != nil }

    public init(released: CapacityReservation?, capacityUsed: Int, change: PresenceChange?) {
        self.released = released
        self.capacityUsed = capacityUsed
        self.change = change
    }
}

/// Why an agent's own presence request was refused.
public enum PresenceChoiceError: Error, Sendable, Hashable {
    case unknownAgent(String)
    case unknownPresence(String)
}
