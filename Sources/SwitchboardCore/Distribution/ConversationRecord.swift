/// The durable state of one conversation of an owned queue: what the queue state store
/// records before any action on it is taken, and what a restarted distributor resumes from.
/// Every timer lives here as a deadline (ms since the Unix epoch), so a restart fires it.
public struct ConversationRecord: Sendable, Hashable, Codable {
    public var id: String
    public var queue: String
    public var workStream: String
    public var state: ConversationState
    /// Arrival order across the distributor's life; "oldest first" sorts on it. Kept when
    /// the conversation goes back to a queue (release, disconnect, transfer): its customer
    /// has waited since then.
    public var arrivedAtMs: Int64
    public var arrivalIndex: UInt64
    /// The agent holding the conversation (Active, WrapUp), or who last held it (Waiting:
    /// D4 offers it to them first). Nil while Open.
    public var agentID: String?
    /// The capacity held: while Active, and in WrapUp as long as `wrapUpCapacity` says (D6).
    public var held: Reservation?
    /// The offer being made (push, affinity, or transfer to an agent): reserving, then offered.
    public var pending: PendingOffer?
    /// Rejects and time-outs per agent (Q1 maxDeclines).
    public var declines: [String: Int]
    /// Offers and takes attempted so far; names reservations and offers uniquely, also across restarts.
    public var attempts: Int
    /// A Waiting conversation whose customer wrote again: it wants an agent (D4, then D1).
    public var needsAgent: Bool
    /// W1 auto-close: when an Open or Waiting conversation closes for inactivity.
    public var autoCloseAtMs: Int64?
    /// D6 `wrapUpCapacity: <duration>`: when the WrapUp conversation gives its capacity back.
    public var capacityReleaseAtMs: Int64?
    /// Reservations given back whose Release presence has not acknowledged yet: sent again
    /// after a restart, so no unit stays reserved for nothing.
    public var releasing: [Reservation]
    /// The highest customer message sequence received without a gap.
    public var receivedThrough: UInt64
    /// Sequences received beyond a gap, held until it is filled (wire.md 5.3).
    public var receivedAhead: [UInt64]
    /// The highest sequence handed to the agent.
    public var forwardedThrough: UInt64
    /// The highest sequence presence confirmed to the agent's session; a restart hands the
    /// agent again what lies between this and `forwardedThrough`.
    public var acknowledgedThrough: UInt64
    /// The messages 1...carriedThrough went to the holder in the offer they accepted, and
    /// no action of theirs has confirmed yet that they know the conversation is theirs: if
    /// presence restarts before it tells them, they go again as messages (decisions §57).
    /// Optional, so a record stored before offers carried messages reads as none.
    public var carriedThrough: UInt64?

    public init(
        id: String, queue: String, workStream: String, state: ConversationState = .open,
        arrivedAtMs: Int64, arrivalIndex: UInt64, agentID: String? = nil, held: Reservation? = nil,
        pending: PendingOffer? = nil, declines: [String: Int] = [:], attempts: Int = 0,
        needsAgent: Bool = false, autoCloseAtMs: Int64? = nil, capacityReleaseAtMs: Int64? = nil,
        releasing: [Reservation] = [], receivedThrough: UInt64 = 0, receivedAhead: [UInt64] = [],
        forwardedThrough: UInt64 = 0, acknowledgedThrough: UInt64 = 0, carriedThrough: UInt64? = nil
    ) {
        self.id = id
        self.queue = queue
        self.workStream = workStream
        self.state = state
        self.arrivedAtMs = arrivedAtMs
        self.arrivalIndex = arrivalIndex
        self.agentID = agentID
        self.held = held
        self.pending = pending
        self.declines = declines
        self.attempts = attempts
        self.needsAgent = needsAgent
        self.autoCloseAtMs = autoCloseAtMs
        self.capacityReleaseAtMs = capacityReleaseAtMs
        self.releasing = releasing
        self.receivedThrough = receivedThrough
        self.receivedAhead = receivedAhead
        self.forwardedThrough = forwardedThrough
        self.acknowledgedThrough = acknowledgedThrough
        self.carriedThrough = carriedThrough
    }

    /// The holder acted on the conversation, so they know it is theirs and have the messages
    /// their accepted offer carried (decisions §57).
    mutating func confirmCarried() {
        guard let carried = carriedThrough else { return }
        acknowledgedThrough = max(acknowledgedThrough, min(carried, forwardedThrough))
        carriedThrough = nil
    }

    /// Open, or Waiting with the customer back: an agent should take it (push, pick, D3, D4).
    public var isAwaitingAgent: Bool {
        state == .open || (state == .waiting && needsAgent)
    }

    /// The earliest timer of the record, for the owner's timer.
    var earliestDeadline: Int64? {
        let offerExpiry = pending?.stage == .offered ? pending?.expiresAtMs : nil
        return [offerExpiry, capacityReleaseAtMs, autoCloseAtMs].compactMap { $0 }.min()
    }

    /// Every reservation the record names: held, being offered, being given back.
    var reservationIDs: [String] {
        var ids = releasing.map(\.id)
        if let held { ids.append(held.id) }
        if let pending { ids.append(pending.reservation.id) }
        return ids
    }
}

/// Capacity reserved with presence for one agent and conversation.
public struct Reservation: Sendable, Hashable, Codable {
    public var id: String
    public var agentID: String
    public var units: Int
    /// Why (wire.md 5.4): push needs an allowed presence and free units; the others do not.
    public var reason: CapacityReason
    /// The presence update sequence of the Grant; nil until granted.
    public var grantSequence: UInt64?

    public init(id: String, agentID: String, units: Int, reason: CapacityReason = .push, grantSequence: UInt64? = nil) {
        self.id = id
        self.agentID = agentID
        self.units = units
        self.reason = reason
        self.grantSequence = grantSequence
    }
}

/// An offer in progress: capacity is being reserved, or the offer is out to the agent.
public struct PendingOffer: Sendable, Hashable, Codable {
    public enum Stage: String, Sendable, Hashable, Codable {
        case reserving, offered
    }

    /// What the offer is for (wire OfferKind).
    public enum Kind: String, Sendable, Hashable, Codable {
        /// D1: an Open (or returning Waiting) conversation to an eligible agent.
        case push
        /// D4: a returning Waiting conversation to the agent who last held it.
        case affinity
        /// D8: an Active conversation to the agent it is transferred to.
        case transfer
    }

    public var offerID: String
    public var reservation: Reservation
    public var stage: Stage
    public var kind: Kind
    public var expiresAtMs: Int64?
    /// The offer carries the customer's messages 1...messagesThrough (nil: none), and the
    /// agent's accept is their receipt (decisions §57). Optional, so a record stored before
    /// offers carried messages reads as carrying none.
    public var messagesThrough: UInt64?

    public init(
        offerID: String, reservation: Reservation, stage: Stage = .reserving, kind: Kind = .push,
        expiresAtMs: Int64? = nil, messagesThrough: UInt64? = nil
    ) {
        self.offerID = offerID
        self.reservation = reservation
        self.stage = stage
        self.kind = kind
        self.expiresAtMs = expiresAtMs
        self.messagesThrough = messagesThrough
    }

    public var agentID: String { reservation.agentID }
}
