/// Push assignment (D1, Q2): which waiting conversation goes to which agent next.
extension DistributionCore {
    /// Offers what can be offered in the queues something happened to, by priority (lower
    /// number first), so an agent in several queues is offered the most urgent one first.
    mutating func assignDirtyQueues(nowMs: Int64) {
        // Assigning only takes capacity, so a second round finds nothing new; the bound is
        // a guard, not a loop that is expected to run.
        var rounds = 0
        while !dirtyQueues.isEmpty, rounds < 4 {
            rounds += 1
            let ranks = dirtyQueues.sorted()
            dirtyQueues.removeAll()
            for rank in ranks { assign(queue: rank, nowMs: nowMs) }
        }
    }

    /// Serves one queue's waiting conversations oldest first (across its work streams) while
    /// some agent can take them. A conversation nobody may take stays waiting; when it had no
    /// declines, no other conversation of its stream can be taken either, so the stream stops.
    private mutating func assign(queue rank: Int, nowMs: Int64) {
        var blocked = Set<String>()
        var skipped = [(stream: String, entry: WaitingLine.Entry)]()
        defer {
            for (stream, entry) in skipped {
                queueIndexes[rank].lines[stream]?.enter(entry.conversationID, arrivalIndex: entry.arrivalIndex)
            }
        }
        let streams = Array(queueIndexes[rank].lines.keys)
        while true {
            var oldest: (stream: String, entry: WaitingLine.Entry)?
            for stream in streams where !blocked.contains(stream) {
                guard let profile = workStreams[stream]?.profile, !queueIndexes[rank].pools[profile].isEmpty,
                    let head = queueIndexes[rank].lines[stream]?.oldest()
                else { continue }
                if oldest.map({ head < $0.entry }) ?? true { oldest = (stream, head) }
            }
            guard let (stream, entry) = oldest else { return }
            _ = queueIndexes[rank].lines[stream]?.takeOldest()
            guard var record = conversations[entry.conversationID] else { continue }
            if let agentID = chooseAgent(for: record, queue: rank) {
                startOffer(&record, to: agentID, kind: .push, nowMs: nowMs)
                save(record)
            } else {
                skipped.append((stream, entry))
                if record.declines.isEmpty { blocked.insert(stream) }
            }
        }
    }

    /// The agent the queue's assignment method picks for `record` among the eligible (D1):
    /// members with an allowed base presence, enough free units, under maxDeclines, not just
    /// denied. Agents who declined it fewer times come first: a decliner is offered it again
    /// (up to maxDeclines) only when nobody fresher is eligible. Moves the queue's rotation
    /// cursor to the chosen member.
    mutating func chooseAgent(for record: ConversationRecord, queue rank: Int) -> String? {
        guard let stream = workStreams[record.workStream], let profile = stream.profile else { return nil }
        let members = queueIndexes[rank].members
        let cursor = queueIndexes[rank].cursor
        let declines = record.declines
        // First the agents who never declined it, in the method's order.
        var position = queueIndexes[rank].pools[profile].choose(after: cursor, minimumFree: stream.capacity) {
            declines.isEmpty || declines[members[$0]] == nil
        }
        if position == nil, !declines.isEmpty {
            position = leastDeclinedEligible(record, queue: rank, profile: profile, units: stream.capacity)
        }
        guard let position else { return nil }
        queueIndexes[rank].cursor = position
        return members[position]
    }

    /// Among the agents who declined the conversation (few), the eligible ones who declined
    /// it least, ordered as the method orders them.
    private func leastDeclinedEligible(_ record: ConversationRecord, queue rank: Int, profile: Int, units: Int) -> Int? {
        let queue = queueIndexes[rank]
        let pool = queue.pools[profile]
        let count = max(queue.members.count, 1)
        // Rotation distance from the member after the cursor: round robin's order.
        func rotation(_ position: Int) -> Int { (position - queue.cursor - 1 + 2 * count) % count }
        var best: (position: Int, declines: Int)?
        for (agentID, declines) in record.declines where declines < queue.definition.maxDeclines {
            guard let position = queue.positions[agentID], pool.isReady(position), pool.freeUnits(at: position) >= units
            else { continue }
            guard let current = best else {
                best = (position, declines)
                continue
            }
            if declines != current.declines {
                if declines < current.declines { best = (position, declines) }
                continue
            }
            let better: Bool
            switch queue.definition.assignment {
            case .roundRobin:
                better = rotation(position) < rotation(current.position)
            case .highestCapacity:
                better = (-pool.freeUnits(at: position), rotation(position))
                    < (-pool.freeUnits(at: current.position), rotation(current.position))
            case .mostIdle:
                better = (pool.lastAssignment(at: position), position)
                    < (pool.lastAssignment(at: current.position), current.position)
            }
            if better { best = (position, declines) }
        }
        return best?.position
    }
}
