/// What the distribution core asks its owner to do, after the changed records are stored.
public enum DistributionAction: Sendable, Hashable {
    /// Reserve capacity (wire Reserve, reason PUSH).
    case reserve(ReserveRequest)
    /// Offer the conversation to the agent (wire Offer), after the Grant.
    case sendOffer(OfferRequest)
    /// Withdraw an offer that expired (wire OfferWithdrawn EXPIRED).
    case withdrawOffer(offerID: String, agentID: String, conversationID: String)
    /// Give the capacity back (wire Release).
    case release(Reservation, conversationID: String)
    /// Answer presence's OfferReply: `stands` false means the offer no longer stands.
    case answerOfferReply(offerID: String, stands: Bool)
    /// Hand customer messages `sequences` of the conversation to its agent (ConversationMessage).
    case forwardMessages(conversationID: String, agentID: String, sequences: ClosedRange<UInt64>)
    /// Outcomes, for metrics and logs.
    case offerAccepted(conversationID: String, agentID: String)
    case offerRejected(conversationID: String, agentID: String)
    case offerExpired(conversationID: String, agentID: String)
}

public struct ReserveRequest: Sendable, Hashable {
    public var reservation: Reservation
    public var conversationID: String
    public var queue: String
    public var allowedPresences: Set<BasePresence>
}

public struct OfferRequest: Sendable, Hashable {
    public var offerID: String
    public var conversationID: String
    public var agentID: String
    public var queue: String
    public var workStream: String
    public var expiresAtMs: Int64
    public var reservationID: String
}

/// The result of one event: the records to store first, then the actions to take.
public struct DistributionStep: Sendable, Hashable {
    public var changed: [ConversationRecord] = []
    public var actions: [DistributionAction] = []

    public init(changed: [ConversationRecord] = [], actions: [DistributionAction] = []) {
        self.changed = changed
        self.actions = actions
    }
}
