/// What routing and the agent see of one agent at one moment (the body of an AgentUpdate).
public struct AgentPresence: Sendable, Hashable {
    public let agentID: String
    /// The presence the agent chose: a base presence name or a custom one (P1).
    public let chosenPresence: String
    /// What routing looks at: the chosen presence's base, made automatic while it is
    /// `available` (P1).
    public let basePresence: BasePresence
    public let capacityTotal: Int
    /// Sum of the agent's reservations; may exceed `capacityTotal` (D2–D4).
    public let capacityUsed: Int
    public let connected: Bool
    public let lastAssignmentAtMs: Int64?
    public let updatedAtMs: Int64

    public init(
        agentID: String, chosenPresence: String, basePresence: BasePresence, capacityTotal: Int,
        capacityUsed: Int, connected: Bool, lastAssignmentAtMs: Int64?, updatedAtMs: Int64
    ) {
        self.agentID = agentID
        self.chosenPresence = chosenPresence
        self.basePresence = basePresence
        self.capacityTotal = capacityTotal
        self.capacityUsed = capacityUsed
        self.connected = connected
        self.lastAssignmentAtMs = lastAssignmentAtMs
        self.updatedAtMs = updatedAtMs
    }

    /// The custom presence name, or nil when the chosen presence is a base one.
    public var customPresence: String? {
        BasePresence(rawValue: chosenPresence) == nil ? chosenPresence : nil
    }
}

/// One change to publish: the agent's full state with its global sequence number.
public struct PresenceChange: Sendable, Hashable {
    /// +1 per change, never reused (persisted across restarts).
    public let sequence: UInt64
    public let agent: AgentPresence

    public init(sequence: UInt64, agent: AgentPresence) {
        self.sequence = sequence
        self.agent = agent
    }
}
