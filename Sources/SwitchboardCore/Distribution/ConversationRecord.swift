/// The durable state of one conversation of an owned queue: what the queue state store
/// records before any action on it is taken, and what a restarted distributor resumes from.
public struct ConversationRecord: Sendable, Hashable, Codable {
    public var id: String
    public var queue: String
    public var workStream: String
    public var state: ConversationState
    /// Arrival order across the distributor's life; "oldest first" sorts on it.
    public var arrivedAtMs: Int64
    public var arrivalIndex: UInt64
    /// The agent holding the conversation (Active and later).
    public var agentID: String?
    /// The reservation kept while the conversation holds capacity (Active).
    public var held: Reservation?
    /// The offer being made: reserving, then offered.
    public var pending: PendingOffer?
    /// Rejects and time-outs per agent (Q1 maxDeclines).
    public var declines: [String: Int]
    /// Offers attempted so far; names reservations and offers uniquely, also across restarts.
    public var attempts: Int
    /// The highest customer message sequence received without a gap.
    public var receivedThrough: UInt64
    /// Sequences received beyond a gap, held until it is filled (wire.md 5.3).
    public var receivedAhead: [UInt64]
    /// The highest sequence handed to the agent.
    public var forwardedThrough: UInt64
    /// The highest sequence presence confirmed to the agent's session; a restart hands the
    /// agent again what lies between this and `forwardedThrough`.
    public var acknowledgedThrough: UInt64

    public init(
        id: String, queue: String, workStream: String, state: ConversationState = .open,
        arrivedAtMs: Int64, arrivalIndex: UInt64, agentID: String? = nil, held: Reservation? = nil,
        pending: PendingOffer? = nil, declines: [String: Int] = [:], attempts: Int = 0,
        receivedThrough: UInt64 = 0, receivedAhead: [UInt64] = [], forwardedThrough: UInt64 = 0,
        acknowledgedThrough: UInt64 = 0
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
        self.receivedThrough = receivedThrough
        self.receivedAhead = receivedAhead
        self.forwardedThrough = forwardedThrough
        self.acknowledgedThrough = acknowledgedThrough
    }
}

/// Capacity reserved with presence for one agent and conversation.
public struct Reservation: Sendable, Hashable, Codable {
    public var id: String
    public var agentID: String
    public var units: Int
    /// The presence update sequence of the Grant; nil until granted.
    public var grantSequence: UInt64?

    public init(id: String, agentID: String, units: Int, grantSequence: UInt64? = nil) {
        self.id = id
        self.agentID = agentID
        self.units = units
        self.grantSequence = grantSequence
    }
}

/// An offer in progress: capacity is being reserved, or the offer is out to the agent.
public struct PendingOffer: Sendable, Hashable, Codable {
    public enum Stage: String, Sendable, Hashable, Codable {
        case reserving, offered
    }

    public var offerID: String
    public var reservation: Reservation
    public var stage: Stage
    public var expiresAtMs: Int64?

    public init(offerID: String, reservation: Reservation, stage: Stage = .reserving, expiresAtMs: Int64? = nil) {
        self.offerID = offerID
        self.reservation = reservation
        self.stage = stage
        self.expiresAtMs = expiresAtMs
    }

    public var agentID: String { reservation.agentID }
}
