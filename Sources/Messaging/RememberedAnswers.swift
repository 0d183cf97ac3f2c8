import DequeModule
import Wire

/// The answers already given to the last `capacity` messages, by message id, so a peer's
/// resend of one gets the same answer again instead of being handled twice. The oldest are
/// forgotten first; a repeat older than that is handled as the receiver would handle it anew.
public typealias RememberedAnswers<Answer: Sendable> = BoundedMemory<MessageID, Answer>

/// The values kept for the last `capacity` keys, the oldest forgotten first: a memory of
/// what recently happened that stays the same size however long the process runs.
public struct BoundedMemory<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    public let capacity: Int
    private var values: [Key: Value] = [:]
    private var order = Deque<Key>()

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    public subscript(key: Key) -> Value? { values[key] }

    public var count: Int { values.count }

    /// Keeps `value` for `key` (a later value for the same key replaces it in place).
    public mutating func remember(_ value: Value, for key: Key) {
        guard values.updateValue(value, forKey: key) == nil else { return }
        order.append(key)
        if order.count > capacity, let oldest = order.popFirst() { values[oldest] = nil }
    }
}
