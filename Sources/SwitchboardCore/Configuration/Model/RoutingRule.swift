/// A routing rule item of a work stream (spec W3): when `condition` holds, go to `queue`.
public struct RoutingRule: Sendable, Hashable {
    public let name: String
    public let condition: Condition
    public let queue: String

    public init(name: String, condition: Condition, queue: String) {
        self.name = name
        self.condition = condition
        self.queue = queue
    }
}
