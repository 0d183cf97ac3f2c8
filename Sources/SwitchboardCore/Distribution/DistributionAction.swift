/// What the distribution core asks its owner to do, after the changed records are stored.
public enum DistributionAction: Sendable, Hashable {
    // MARK: presence: capacity and offers

    /// Reserve capacity (wire Reserve, with the request's reason).
    case reserve(ReserveRequest)
    /// Offer the conversation to the agent (wire Offer), after the Grant.
    case sendOffer(OfferRequest)
    /// The offer no longer stands (wire OfferWithdrawn).
    case withdrawOffer(offerID: String, agentID: String, conversationID: String, reason: OfferWithdrawalReason)
    /// Give the capacity back (wire Release); answered by `releaseAcknowledged`.
    case release(Reservation, conversationID: String)
    /// Answer presence's OfferReply: `stands` false means the offer no longer stands.
    case answerOfferReply(offerID: String, stands: Bool)
    /// Hand customer messages `sequences` of the conversation to its agent (ConversationMessage).
    case forwardMessages(conversationID: String, agentID: String, sequences: ClosedRange<UInt64>)
    /// Q1 `onMissedOffer: away`: ask presence to set the agent `away` after a missed offer.
    case setAgentAway(agentID: String)

    // MARK: the agents' open work items (D2, D3)

    /// The conversation joined the queue's open work items: tell the queue's members.
    case workItemAdded(queue: String, conversationID: String)
    /// It left them (taken, closed, moved): tell the queue's members.
    case workItemRemoved(queue: String, conversationID: String)

    // MARK: the router

    /// The conversation is Closed: the router's next message from that customer starts a
    /// new conversation (R1). The owner reports the router's Ack as `departureConfirmed`;
    /// the stored record is deleted once that and every release are in.
    case conversationClosed(conversationID: String)
    /// D8 to a queue of another distributor: the router re-delivers the conversation there
    /// (Open). Confirmed and purged as a close is.
    case transferOut(conversationID: String, toQueue: String)

    // MARK: outcomes, for metrics, logs and the agents' screens

    /// A D5 move; `agentID` is the agent who held it before the move, or holds it after.
    case stateChanged(conversationID: String, from: ConversationState, to: ConversationState, agentID: String?)
    case offerAccepted(conversationID: String, agentID: String)
    case offerRejected(conversationID: String, agentID: String)
    case offerExpired(conversationID: String, agentID: String)
    /// D6: a pick, select-from-push, affinity, resume or transfer took the agent above capacity.
    case overCapacity(conversationID: String, agentID: String, reason: CapacityReason)
    /// D8: the target agent accepted; `fromAgentID` no longer holds the conversation.
    case transferCompleted(conversationID: String, fromAgentID: String, toAgentID: String)
    /// D8: the target agent rejected, missed or could not get the offer, or the transfer was
    /// cancelled: `fromAgentID` keeps the conversation.
    case transferFailed(conversationID: String, fromAgentID: String, toAgentID: String)
}

/// Why an offer is withdrawn (wire WithdrawReason).
public enum OfferWithdrawalReason: String, Sendable, Hashable, CaseIterable {
    /// No answer before `expiresAtMs`.
    case expired
    /// Picked, or taken back, by an agent (D2, D3).
    case taken
    /// The conversation closed or left the agent's reach (customer left, transfer, hold).
    case conversationClosed
    /// The agent went offline (D7).
    case agentUnavailable
}

public struct ReserveRequest: Sendable, Hashable {
    public var reservation: Reservation
    public var conversationID: String
    public var queue: String
    /// For push: the work stream's allowed presences; empty for the other reasons.
    public var allowedPresences: Set<BasePresence>
    /// The offer the capacity is for (push, affinity, transfer): presence makes it as soon as
    /// it grants, so a Grant needs no Offer after it (decisions §26). Nil for a take.
    public var offer: OfferRequest? = nil

    public var reason: CapacityReason { reservation.reason }
}

public struct OfferRequest: Sendable, Hashable {
    public var offerID: String
    public var conversationID: String
    public var agentID: String
    public var queue: String
    public var workStream: String
    public var expiresAtMs: Int64
    public var reservationID: String
    public var kind: PendingOffer.Kind
    /// The offer carries the customer's messages 1...messagesThrough (0: none).
    public var messagesThrough: UInt64 = 0
}

/// The result of one event: the records to store first, then the actions to take.
/// A Closed record is in `changed` (store it Closed) but no longer in the core's memory.
public struct DistributionStep: Sendable, Hashable {
    public var changed: [ConversationRecord] = []
    public var actions: [DistributionAction] = []
    /// Conversations whose stored record is deleted, after `changed` is stored: they left
    /// (Closed, moved to another distributor) and nothing about them is owed any more.
    public var purged: [String] = []
    /// Reservations given back by a command whose answer carries them
    /// (`DistributionCommand.releasesInAnswer`): no `release` action is emitted for them.
    public var answeredReleases: [AnsweredRelease] = []

    public init(
        changed: [ConversationRecord] = [], actions: [DistributionAction] = [], purged: [String] = [],
        answeredReleases: [AnsweredRelease] = []
    ) {
        self.changed = changed
        self.actions = actions
        self.purged = purged
        self.answeredReleases = answeredReleases
    }
}

/// A reservation given back in a command's answer (decisions §58).
public struct AnsweredRelease: Sendable, Hashable {
    public var reservation: Reservation
    public var conversationID: String

    public init(reservation: Reservation, conversationID: String) {
        self.reservation = reservation
        self.conversationID = conversationID
    }
}
