/// What the distribution core knows of one agent, from presence's snapshot and updates.
public struct AgentStatus: Sendable, Hashable {
    public var agentID: String
    public var basePresence: BasePresence
    public var capacityTotal: Int
    public var capacityUsed: Int
    public var lastAssignmentAtMs: Int64?
    /// The presence update sequence this state is from; a reservation granted with a higher
    /// sequence is not yet counted in `capacityUsed`.
    public var sequence: UInt64

    public init(
        agentID: String, basePresence: BasePresence, capacityTotal: Int, capacityUsed: Int,
        lastAssignmentAtMs: Int64? = nil, sequence: UInt64 = 0
    ) {
        self.agentID = agentID
        self.basePresence = basePresence
        self.capacityTotal = capacityTotal
        self.capacityUsed = capacityUsed
        self.lastAssignmentAtMs = lastAssignmentAtMs
        self.sequence = sequence
    }
}
