/// Agents as this distributor sees them: presence's state, its own not-yet-reported
/// reservations, and their readiness in the pools of their queues.
extension DistributionCore {
    /// Presence's view of every agent it reported, by id (for tests and operations; O(agents)).
    public var agents: [String: AgentStatus] {
        Dictionary(agentEntries.compactMap { entry in entry.status.map { (entry.id, $0) } }, uniquingKeysWith: { _, last in last })
    }

    public func agentStatus(_ agentID: String) -> AgentStatus? {
        agentSlots[agentID].flatMap { agentEntries[$0].status }
    }

    /// Agents presence denied; not eligible again until their next update (D1).
    public var deniedUntilUpdate: Set<String> {
        Set(agentEntries.filter(\.denied).map(\.id))
    }

    /// Free units of an agent as this distributor sees them: presence's count minus this
    /// distributor's reservations presence has not reported yet. Negative after a pick,
    /// select-from-push, affinity or transfer above capacity (D6). Nil for an unknown agent.
    public func freeUnits(of agentID: String) -> Int? {
        guard let slot = agentSlots[agentID], agentEntries[slot].status != nil else { return nil }
        return agentEntries[slot].free
    }

    // MARK: presence's updates

    mutating func loadSnapshot(_ statuses: [AgentStatus]) {
        let byID = Dictionary(statuses.map { ($0.agentID, $0) }, uniquingKeysWith: { _, last in last })
        for status in byID.values { _ = slot(for: status.agentID) }
        for index in agentEntries.indices {
            agentEntries[index].status = byID[agentEntries[index].id]
            agentEntries[index].denied = false
            refreshAgent(index)
        }
        dirtyQueues.formUnion(queueIndexes.indices)
    }

    mutating func update(_ status: AgentStatus) {
        let index = slot(for: status.agentID)
        agentEntries[index].status = status
        agentEntries[index].denied = false
        refreshAgent(index)
        // Any change may make them eligible again (presence, capacity, the denial lifted).
        for membership in agentEntries[index].memberships { dirtyQueues.insert(membership.queue) }
    }

    mutating func deny(_ agentID: String) {
        let index = slot(for: agentID)
        agentEntries[index].denied = true
        refreshAgent(index)
    }

    /// A queue's members changed (an agent joined or left it): its pools start again.
    mutating func setMembers(_ agents: [String], of queue: String) {
        guard let rank = queueRanks[queue] else { return }
        for agentID in queueIndexes[rank].members {
            let index = slot(for: agentID)
            agentEntries[index].memberships.removeAll { $0.queue == rank }
        }
        queueIndexes[rank].setMembers(agents, profileCount: profiles.count)
        for (position, agentID) in queueIndexes[rank].members.enumerated() {
            let index = slot(for: agentID)
            agentEntries[index].memberships.append(.init(queue: rank, position: position))
            refreshAgent(index)
        }
        dirtyQueues.insert(rank)
    }

    // MARK: bookkeeping

    /// The agent's slot, created on first sight.
    mutating func slot(for agentID: String) -> Int {
        if let slot = agentSlots[agentID] { return slot }
        agentSlots[agentID] = agentEntries.count
        agentEntries.append(AgentEntry(id: agentID))
        return agentEntries.count - 1
    }

    /// Recomputes the agent's free units and their readiness in every pool of their queues.
    /// A queue where they became ready, or got more units, is worth assigning again.
    mutating func refreshAgent(_ index: Int) {
        let entry = agentEntries[index]
        var free = 0
        if let status = entry.status {
            var unreported = 0
            for reservation in entry.own.values {
                if let granted = reservation.grantSequence, granted <= status.sequence { continue }
                unreported += reservation.units
            }
            free = status.capacityTotal - status.capacityUsed - unreported
        }
        agentEntries[index].free = free
        let key = entry.lastAssignmentKey
        for membership in entry.memberships {
            for (profileIndex, profile) in profiles.enumerated() {
                let ready = entry.status.map { profile.allowedPresences.contains($0.basePresence) } == true
                    && !entry.denied && free >= profile.minimumUnits
                let better = queueIndexes[membership.queue].pools[profileIndex].set(
                    membership.position, ready: ready, free: free, lastAssignmentAtMs: key)
                if better { dirtyQueues.insert(membership.queue) }
            }
        }
    }

    /// The agent got a conversation now (mostIdle).
    mutating func noteAssignment(_ agentID: String, nowMs: Int64) {
        let index = slot(for: agentID)
        agentEntries[index].lastAssignedAtMs = nowMs
        refreshAgent(index)
    }
}
