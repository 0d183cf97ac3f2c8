/// The states of a conversation (spec D5) and the only moves between them.
public enum ConversationState: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case open, active, waiting, wrapUp, closed

    public var description: String {
        switch self {
        case .open: "Open"
        case .active: "Active"
        case .waiting: "Waiting"
        case .wrapUp: "WrapUp"
        case .closed: "Closed"
        }
    }

    /// The states D5 allows this one to move to. Closed is final.
    public var allowedNextStates: Set<ConversationState> {
        switch self {
        case .open: [.active, .closed]
        case .active: [.wrapUp, .waiting, .open]
        case .waiting: [.active, .closed]
        case .wrapUp: [.closed]
        case .closed: []
        }
    }

    /// The state after moving to `next`, or an error naming both states when D5 forbids it.
    public func moving(to next: ConversationState) throws(DistributionError) -> ConversationState {
        guard allowedNextStates.contains(next) else {
            throw DistributionError(
                code: .invalidTransition,
                message: "a conversation cannot move from \(self) to \(next)")
        }
        return next
    }
}
