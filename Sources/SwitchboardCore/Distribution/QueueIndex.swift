/// One owned queue as the core indexes it: its members by position, who of them is ready
/// for push (per presence profile), the conversations waiting for a push offer (per work
/// stream), its open work items (D2, D3), and how many conversations are Open in it.
struct QueueIndex: Sendable {
    let definition: QueueDefinition
    let offerTimeoutMs: Int64
    private(set) var members: [String]
    private(set) var positions: [String: Int]
    /// One per presence profile (`DistributionCore.profiles`).
    var pools: [CandidatePool]
    /// The member position chosen last (round robin, and highestCapacity's ties).
    var cursor = -1
    var lines: [String: WaitingLine] = [:]
    var workItems: Set<String> = []
    var openCount = 0

    init(definition: QueueDefinition, members: [String], profileCount: Int) {
        self.definition = definition
        offerTimeoutMs = definition.offerTimeout.milliseconds
        self.members = []
        positions = [:]
        pools = []
        setMembers(members, profileCount: profileCount)
    }

    var name: String { definition.name }

    /// Replaces the members (an agent joined or left); every pool starts empty.
    mutating func setMembers(_ agents: [String], profileCount: Int) {
        var seen = Set<String>()
        members = agents.filter { seen.insert($0).inserted }
        positions = Dictionary(uniqueKeysWithValues: members.enumerated().map { ($1, $0) })
        pools = (0..<profileCount).map { _ in CandidatePool(method: definition.assignment, memberCount: members.count) }
        cursor = -1
    }

    var hasWaiting: Bool { lines.values.contains { !$0.isEmpty } }
}

/// The allowed base presences shared by some push work streams, and the smallest capacity
/// among them: what makes a member ready for those streams.
struct PresenceProfile: Sendable, Hashable {
    var allowedPresences: Set<BasePresence>
    var minimumUnits: Int
}

/// What the core knows of one agent: presence's view, this distributor's own reservations
/// presence may not have counted yet, and the queues they belong to.
struct AgentEntry: Sendable {
    struct Membership: Sendable, Hashable {
        var queue: Int
        var position: Int
    }

    let id: String
    var status: AgentStatus?
    /// Presence denied a reservation: not eligible again until their next update (D1).
    var denied = false
    /// Pending and held reservations of this distributor, by id.
    var own: [String: Reservation] = [:]
    /// Free units as this distributor sees them (`DistributionCore.freeUnits(of:)`).
    var free = 0
    /// Last assignment made here, for mostIdle before presence reports it.
    var lastAssignedAtMs: Int64?
    var memberships: [Membership] = []

    init(id: String) {
        self.id = id
    }

    /// When the agent last got a conversation; never counts as the most idle.
    var lastAssignmentKey: Int64 {
        max(status?.lastAssignmentAtMs ?? .min, lastAssignedAtMs ?? .min)
    }
}
