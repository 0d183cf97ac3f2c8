/// What happens to a distributor, as the distribution core sees it.
public enum DistributionEvent: Sendable, Hashable {
    /// A new conversation delivered by the router (sequence of its first message).
    case conversationArrived(conversationID: String, queue: String, workStream: String, sequence: UInt64)
    /// A later customer message of a conversation.
    case messageArrived(conversationID: String, sequence: UInt64)
    /// Presence's full state (Clone snapshot): replaces what was known.
    case agentsSnapshot([AgentStatus])
    /// One agent's new full state.
    case agentUpdated(AgentStatus)
    case reservationGranted(reservationID: String, sequence: UInt64)
    case reservationDenied(reservationID: String)
    /// Presence could not hand the offer to the agent (not connected).
    case offerUndeliverable(offerID: String)
    case offerReplied(offerID: String, agentID: String, accepted: Bool)
    /// Presence handed customer message `sequence` to the agent's session (Ack of a ConversationMessage).
    case messageAcknowledged(conversationID: String, sequence: UInt64)
    /// Time passed: offers past their expiry are withdrawn.
    case clockAdvanced
}
