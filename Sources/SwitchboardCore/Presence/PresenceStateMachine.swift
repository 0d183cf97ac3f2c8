/// The presence and capacity of every configured agent (P1, D6, D7): the pure core of the
/// `presence` process. Time comes in as `nowMs` (ms since the Unix epoch), so tests drive
/// it with a manual clock. Every change yields a `PresenceChange` with the next global
/// sequence number; the caller persists it and publishes it as an AgentUpdate.
public struct PresenceStateMachine: Sendable {
    /// What a restarted presence reloads from its store.
    public struct Restored: Sendable, Hashable {
        public var reservations: [CapacityReservation]
        /// Chosen presence by agent id.
        public var chosenPresences: [String: String]
        public var lastSequence: UInt64

        public init(reservations: [CapacityReservation] = [], chosenPresences: [String: String] = [:], lastSequence: UInt64 = 0) {
            self.reservations = reservations
            self.chosenPresences = chosenPresences
            self.lastSequence = lastSequence
        }
    }

    private struct Record: Sendable {
        let id: String
        let total: Int
        var chosen: String
        var chosenBase: BasePresence
        var connected = false
        /// Set while disconnected with the grace period running (D7).
        var disconnectedAtMs: Int64?
        var reservations: [String: CapacityReservation] = [:]
        var used = 0
        var lastAssignmentAtMs: Int64?
        var updatedAtMs: Int64
    }

    public let gracePeriodMs: Int64
    public private(set) var lastSequence: UInt64
    /// Every presence an agent may choose, base ones first, in declaration order.
    public let presenceChoices: [CustomPresence]
    private let baseByName: [String: BasePresence]
    private let agentOrder: [String]
    private var records: [String: Record]
    private var ownerOfReservation: [String: String] = [:]
    /// Restored reservations whose agent is no longer configured (the caller logs them).
    public private(set) var discardedReservations: [CapacityReservation] = []

    public init(
        agents: [Agent], customPresences: [CustomPresence], gracePeriod: Duration,
        restored: Restored = Restored(), nowMs: Int64
    ) {
        let (seconds, attoseconds) = gracePeriod.components
        gracePeriodMs = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        lastSequence = restored.lastSequence
        presenceChoices = BasePresence.allCases.map { CustomPresence(name: $0.rawValue, base: $0) } + customPresences
        var baseByName: [String: BasePresence] = [:]
        for choice in presenceChoices where baseByName[choice.name] == nil { baseByName[choice.name] = choice.base }
        self.baseByName = baseByName
        agentOrder = agents.map(\.id)
        var records: [String: Record] = [:]
        for agent in agents {
            var record = Record(id: agent.id, total: agent.capacity, chosen: BasePresence.offline.rawValue, chosenBase: .offline, updatedAtMs: nowMs)
            if let chosen = restored.chosenPresences[agent.id], let base = baseByName[chosen] {
                record.chosen = chosen
                record.chosenBase = base
                // Nobody is connected after a restart: the grace period starts now (D7).
                if base != .offline { record.disconnectedAtMs = nowMs }
            }
            records[agent.id] = record
        }
        self.records = records
        for reservation in restored.reservations {
            guard records[reservation.agentID] != nil else {
                discardedReservations.append(reservation)
                continue
            }
            self.records[reservation.agentID]?.reservations[reservation.id] = reservation
            self.records[reservation.agentID]?.used += reservation.units
            ownerOfReservation[reservation.id] = reservation.agentID
        }
    }

    // MARK: reading

    public func state(of agentID: String) -> AgentPresence? {
        // A closure, not `.map(presence)`: a method reference copies the whole state machine.
        records[agentID].map { presence($0) }
    }

    /// Every configured agent, in configuration order.
    public var allAgents: [AgentPresence] {
        agentOrder.compactMap { id in records[id].map { presence($0) } }
    }

    public func reservations(of agentID: String) -> [CapacityReservation] {
        (records[agentID]?.reservations.values).map { $0.sorted { $0.id < $1.id } } ?? []
    }

    public var allReservations: [CapacityReservation] {
        agentOrder.flatMap(reservations(of:))
    }

    /// The base presence a chosen presence name maps to, nil when unknown.
    public func basePresence(named name: String) -> BasePresence? { baseByName[name] }

    /// When the earliest running grace period ends (ms), for the caller's timer.
    public var nextGraceDeadlineMs: Int64? {
        records.values.compactMap { $0.disconnectedAtMs.map { $0 + gracePeriodMs } }.min()
    }

    // MARK: connection and chosen presence

    /// The agent's WebSocket session is up. Nil when nothing changed (already connected)
    /// or the agent is unknown.
    public mutating func connect(_ agentID: String, nowMs: Int64) -> PresenceChange? {
        guard var record = records[agentID], !record.connected else { return nil }
        record.connected = true
        record.disconnectedAtMs = nil
        return commit(record, nowMs: nowMs)
    }

    /// The agent's session ended: the grace period starts (D7).
    public mutating func disconnect(_ agentID: String, nowMs: Int64) -> PresenceChange? {
        guard var record = records[agentID], record.connected else { return nil }
        record.connected = false
        record.disconnectedAtMs = record.chosenBase == .offline ? nil : nowMs
        return commit(record, nowMs: nowMs)
    }

    /// The agent chooses a base or custom presence (P1). Nil when it is the current one.
    public mutating func choosePresence(_ agentID: String, _ name: String, nowMs: Int64) throws(PresenceChoiceError) -> PresenceChange? {
        guard var record = records[agentID] else { throw .unknownAgent(agentID) }
        guard let base = baseByName[name] else { throw .unknownPresence(name) }
        guard record.chosen != name else { return nil }
        record.chosen = name
        record.chosenBase = base
        if record.connected || base == .offline { record.disconnectedAtMs = nil }
        return commit(record, nowMs: nowMs)
    }

    /// Agents disconnected for the whole grace period go offline (D7).
    public mutating func expireGracePeriods(nowMs: Int64) -> [PresenceChange] {
        var changes: [PresenceChange] = []
        for agentID in agentOrder {
            guard var record = records[agentID], let since = record.disconnectedAtMs,
                nowMs - since >= gracePeriodMs
            else { continue }
            record.disconnectedAtMs = nil
            record.chosen = BasePresence.offline.rawValue
            record.chosenBase = .offline
            changes.append(commit(record, nowMs: nowMs))
        }
        return changes
    }

    // MARK: capacity

    /// Reserve capacity (wire.md 5.4). Push needs a connected agent, a base presence in the
    /// allowed set and enough free capacity; pick, select-from-push, affinity and transfer are granted
    /// whatever the capacity and presence and record when they go above it (D6).
    public mutating func reserve(_ request: CapacityRequest, nowMs: Int64) -> ReserveOutcome {
        // Taken out of `records` while it changes, so its reservations are changed in place:
        // a copy written back would duplicate them, O(agent's load) per grant.
        guard var record = records.removeValue(forKey: request.agentID) else { return .denied(.unknownAgent) }
        defer { records[request.agentID] = record }
        if let existing = record.reservations[request.reservationID] {
            return .alreadyGranted(existing, presence(record), sequence: lastSequence)
        }
        let free = record.total - record.used
        var overCapacity = false
        switch request.reason {
        case .push:
            guard record.connected else { return .denied(.notConnected) }
            let base = effectiveBase(record)
            guard request.allowedPresences.contains(base) else { return .denied(.presenceNotAllowed(base)) }
            guard free >= request.units else { return .denied(.noCapacity(free: max(free, 0))) }
        case .pick, .selectFromPush, .affinity, .transfer:
            overCapacity = request.units > free
        }
        let reservation = CapacityReservation(
            id: request.reservationID, agentID: request.agentID, conversationID: request.conversationID,
            units: request.units, reason: request.reason, queue: request.queue,
            overCapacity: overCapacity, grantedAtMs: nowMs)
        record.reservations[reservation.id] = reservation
        record.used += reservation.units
        record.lastAssignmentAtMs = nowMs
        ownerOfReservation[reservation.id] = record.id
        return .granted(reservation, stamp(&record, nowMs: nowMs))
    }

    /// Give a reservation back. Idempotent: an unknown or already released id is not an error.
    public mutating func release(_ reservationID: String, nowMs: Int64) -> ReleaseOutcome {
        guard let agentID = ownerOfReservation[reservationID], var record = records.removeValue(forKey: agentID) else {
            return ReleaseOutcome(released: nil, capacityUsed: 0, change: nil)
        }
        defer { records[agentID] = record }  // as in `reserve`: changed in place
        guard let reservation = record.reservations.removeValue(forKey: reservationID) else {
            return ReleaseOutcome(released: nil, capacityUsed: 0, change: nil)
        }
        ownerOfReservation[reservationID] = nil
        record.used -= reservation.units
        let change = stamp(&record, nowMs: nowMs)
        return ReleaseOutcome(released: reservation, capacityUsed: record.used, change: change)
    }

    /// Used capacity of an agent (0 when unknown).
    public func capacityUsed(of agentID: String) -> Int { records[agentID]?.used ?? 0 }

    // MARK: internals

    private mutating func commit(_ record: Record, nowMs: Int64) -> PresenceChange {
        var record = record
        let change = stamp(&record, nowMs: nowMs)
        records[record.id] = record
        return change
    }

    /// Marks `record` changed at `nowMs` under the next sequence number.
    private mutating func stamp(_ record: inout Record, nowMs: Int64) -> PresenceChange {
        record.updatedAtMs = nowMs
        lastSequence += 1
        return PresenceChange(sequence: lastSequence, agent: presence(record))
    }

    /// P1: while the chosen presence is `available`, load decides.
    private func effectiveBase(_ record: Record) -> BasePresence {
        guard record.chosenBase == .available, record.used > 0 else { return record.chosenBase }
        return record.used >= record.total ? .busyDnd : .busy
    }

    private func presence(_ record: Record) -> AgentPresence {
        AgentPresence(
            agentID: record.id, chosenPresence: record.chosen, basePresence: effectiveBase(record),
            capacityTotal: record.total, capacityUsed: record.used, connected: record.connected,
            lastAssignmentAtMs: record.lastAssignmentAtMs, updatedAtMs: record.updatedAtMs)
    }
}
