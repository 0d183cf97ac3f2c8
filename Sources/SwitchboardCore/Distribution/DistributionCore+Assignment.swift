/// Push assignment (D1, Q2): which agent gets the next offer.
extension DistributionCore {
    /// Whether `agentID` may be offered `record` now (D1): a member of the queue, base
    /// presence allowed, enough free units, under maxDeclines, not denied since its last
    /// update, and not already holding an offer for it.
    public func isEligible(_ agentID: String, for record: ConversationRecord) -> Bool {
        guard let queue = queues[record.queue], let stream = workStreams[record.workStream],
            queue.definition.agents.contains(agentID),
            let agent = agents[agentID], stream.allowedPresences.contains(agent.basePresence),
            let free = freeUnits(of: agentID), free >= stream.capacity,
            record.declines[agentID, default: 0] < queue.definition.maxDeclines,
            !deniedUntilUpdate.contains(agentID),
            record.pending?.agentID != agentID
        else { return false }
        return true
    }

    /// The agent the queue's assignment method picks among the eligible who declined this
    /// conversation the fewest times, or nil.
    public func chooseAgent(for record: ConversationRecord, nowMs: Int64) -> String? {
        guard let queue = queues[record.queue] else { return nil }
        let members = queue.definition.agents
        // Members in rotation order: the one after the last chosen first.
        let start = ((cursor[record.queue] ?? -1) + 1) % max(members.count, 1)
        let rotated = Array(members[start...]) + Array(members[..<start])
        let allEligible = rotated.filter { isEligible($0, for: record) }
        // "Then the next eligible agent is offered it" (D1): agents who declined this
        // conversation fewer times come first; a decliner is offered it again (up to
        // maxDeclines) only when nobody fresher is eligible.
        let fewestDeclines = allEligible.map { record.declines[$0, default: 0] }.min() ?? 0
        let eligible = allEligible.filter { record.declines[$0, default: 0] == fewestDeclines }
        guard let first = eligible.first else { return nil }
        switch queue.definition.assignment {
        case .roundRobin:
            return first
        case .highestCapacity:
            // max(by:) keeps the last of equals; walk in rotation order and keep the first.
            var best = first
            var bestFree = freeUnits(of: first) ?? 0
            for agent in eligible.dropFirst() {
                let free = freeUnits(of: agent) ?? 0
                if free > bestFree { (best, bestFree) = (agent, free) }
            }
            return best
        case .mostIdle:
            var best = first
            var bestIdle = lastAssignment(of: first)
            for agent in eligible.dropFirst() {
                let idle = lastAssignment(of: agent)
                if idle < bestIdle { (best, bestIdle) = (agent, idle) }
            }
            return best
        }
    }

    /// When the agent last got a conversation; never counts as the most idle.
    private func lastAssignment(of agentID: String) -> Int64 {
        max(agents[agentID]?.lastAssignmentAtMs ?? Int64.min, lastAssignedAtMs[agentID] ?? Int64.min)
    }

    /// Starts offers for every Open push conversation without one: queues by priority,
    /// oldest conversation first. Returns the ids of the records it changed.
    mutating func assign(nowMs: Int64, step: inout DistributionStep) -> [String] {
        var changed = [String]()
        let waiting = conversations.values
            .filter { $0.state == .open && $0.pending == nil }
            .sorted { $0.arrivalIndex < $1.arrivalIndex }
        for queueName in queueOrder {
            for var record in waiting where record.queue == queueName {
                guard let stream = workStreams[record.workStream], stream.isPush,
                    let agentID = chooseAgent(for: record, nowMs: nowMs)
                else { continue }
                if let index = queues[queueName]?.definition.agents.firstIndex(of: agentID) {
                    cursor[queueName] = index
                }
                record.attempts += 1
                // The offer and its reservation share one name: unique per attempt, stable across restarts.
                let name = "\(record.id)#\(record.attempts)"
                let reservation = Reservation(id: name, agentID: agentID, units: stream.capacity)
                record.pending = PendingOffer(offerID: name, reservation: reservation)
                conversations[record.id] = record
                changed.append(record.id)
                step.actions.append(.reserve(ReserveRequest(
                    reservation: reservation, conversationID: record.id, queue: queueName,
                    allowedPresences: stream.allowedPresences)))
            }
        }
        return changed
    }
}
