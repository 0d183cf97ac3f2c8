/// Where a conversation goes.
public struct RoutingDecision: Sendable, Hashable {
    public let queue: String
    /// The matching rule; nil when no rule matched and the fallback queue was taken.
    public let ruleName: String?

    public init(queue: String, ruleName: String?) {
        self.queue = queue
        self.ruleName = ruleName
    }

    public var isFallback: Bool { ruleName == nil }
}

/// A decision with the context it was made on; `context.issues` lists dropped values.
public struct RoutingResult: Sendable, Hashable {
    public let decision: RoutingDecision
    public let context: RoutingContext
}
