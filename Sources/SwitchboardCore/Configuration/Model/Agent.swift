/// An agent (spec A1). Queue membership is declared on the queues, never here (Q1).
public struct Agent: Sendable, Hashable {
    public let id: String
    public let name: String
    /// Capacity units the agent can hold at once.
    public let capacity: Int
    /// The agent's authentication secret (G5), by reference.
    public let secret: SecretReference

    public init(id: String, name: String, capacity: Int, secret: SecretReference) {
        self.id = id
        self.name = name
        self.capacity = capacity
        self.secret = secret
    }
}
