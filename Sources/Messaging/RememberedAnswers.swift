import DequeModule
import Wire

/// The answers already given to the last `capacity` messages, by message id, so a peer's
/// resend of one gets the same answer again instead of being handled twice. The oldest are
/// forgotten first; a repeat older than that is handled as the receiver would handle it anew.
public struct RememberedAnswers<Answer: Sendable>: Sendable {
    public let capacity: Int
    private var answers: [MessageID: Answer] = [:]
    private var order = Deque<MessageID>()

    public init(capacity: Int = 10_000) {
        self.capacity = max(1, capacity)
    }

    public subscript(id: MessageID) -> Answer? { answers[id] }

    public var count: Int { answers.count }

    /// Keeps `answer` for `id` (a later answer to the same id replaces it in place).
    public mutating func remember(_ answer: Answer, for id: MessageID) {
        guard answers.updateValue(answer, forKey: id) == nil else { return }
        order.append(id)
        if order.count > capacity, let oldest = order.popFirst() { answers[oldest] = nil }
    }
}
