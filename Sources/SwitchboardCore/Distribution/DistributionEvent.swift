/// What happens to a distributor, as the distribution core sees it. Agents' own requests
/// (pick, wrap-up, transfer, ...) are `DistributionCommand`s: those can be refused.
public enum DistributionEvent: Sendable, Hashable {
    /// A new conversation delivered by the router (sequence of its first message).
    case conversationArrived(conversationID: String, queue: String, workStream: String, sequence: UInt64)
    /// A later customer message of a conversation: the customer writes (M1; Waiting → Active, D4).
    case messageArrived(conversationID: String, sequence: UInt64)
    /// The customer left or ended the chat: Open/Waiting → Closed, Active → WrapUp (D5).
    case customerLeft(conversationID: String)
    /// An asynchronous conversation went quiet: Active → Waiting (D5). Ignored for live chat.
    case conversationWentQuiet(conversationID: String)
    /// Presence's full state (Clone snapshot): replaces what was known.
    case agentsSnapshot([AgentStatus])
    /// One agent's new full state.
    case agentUpdated(AgentStatus)
    /// The agent stayed disconnected past presence's grace period (D7).
    case agentWentOffline(agentID: String)
    /// A queue's members changed (an agent joined or left it).
    case queueMembersChanged(queue: String, agents: [String])
    /// Presence reserved the capacity. `agentID` and `units` (from the Grant) let the core
    /// give back a reservation it no longer wants (a Reserve resent after its Release).
    /// `offered`: presence also made the pending offer the Reserve carried (decisions §26).
    case reservationGranted(reservationID: String, sequence: UInt64, agentID: String = "", units: Int = 0, offered: Bool = false)
    case reservationDenied(reservationID: String)
    /// Presence acknowledged a Release: the record stops naming it.
    case releaseAcknowledged(reservationID: String)
    /// The router acknowledged a `conversationClosed` or `transferOut` of the conversation:
    /// once presence has acknowledged its releases too, its stored record is purged.
    case departureConfirmed(conversationID: String)
    /// Presence could not hand the offer to the agent (not connected).
    case offerUndeliverable(offerID: String)
    /// `messagesThrough`: the last of the offer's messages the agent had with it (0: none);
    /// an accept is their receipt (decisions §57).
    case offerReplied(offerID: String, agentID: String, accepted: Bool, messagesThrough: UInt64 = 0)
    /// Presence handed customer message `sequence` to the agent's session (Ack of a ConversationMessage).
    case messageAcknowledged(conversationID: String, sequence: UInt64)
    /// Time passed: every deadline due fires (offer expiry, wrap-up capacity, auto-close).
    case clockAdvanced
}
