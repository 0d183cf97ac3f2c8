/// A queue (spec Q1). Named `QueueDefinition` so it never shadows a queue data structure.
public struct QueueDefinition: Sendable, Hashable {
    public static let defaultOfferTimeout: Duration = .seconds(120)
    public static let defaultMaxDeclines = 3
    public static let maxDeclinesRange = 1...5

    public let name: String
    /// Lower is served first across the queues an agent belongs to (Q2).
    public let priority: Int
    /// Member agent ids, in declared order. The only place membership is declared.
    public let agents: [String]
    public let assignment: AssignmentMethod
    public let offerTimeout: Duration
    /// After this many rejects or time-outs an agent is not offered that conversation again.
    public let maxDeclines: Int
    public let onMissedOffer: MissedOfferAction

    public init(
        name: String, priority: Int, agents: [String], assignment: AssignmentMethod,
        offerTimeout: Duration = QueueDefinition.defaultOfferTimeout,
        maxDeclines: Int = QueueDefinition.defaultMaxDeclines,
        onMissedOffer: MissedOfferAction = .keep
    ) {
        self.name = name
        self.priority = priority
        self.agents = agents
        self.assignment = assignment
        self.offerTimeout = offerTimeout
        self.maxDeclines = maxDeclines
        self.onMissedOffer = onMissedOffer
    }
}

/// How a queue picks the agent to offer a conversation to (spec Q2).
public enum AssignmentMethod: String, Sendable, Hashable, CaseIterable, ConfigurationEnum {
    case highestCapacity, roundRobin, mostIdle
}

/// What a missed (timed-out) offer does to the agent's presence (Q1, P1).
public enum MissedOfferAction: String, Sendable, Hashable, CaseIterable, ConfigurationEnum {
    case keep, away
}
