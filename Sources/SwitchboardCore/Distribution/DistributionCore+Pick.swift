/// Open work items (D2 pick, D3 select from push): the conversations agents may take
/// themselves, and the pick: first wins, whatever the agent's capacity and presence.
extension DistributionCore {
    /// One conversation of a queue's open work items.
    public struct OpenWorkItem: Sendable, Hashable {
        public var conversationID: String
        public var queue: String
        public var workStream: String
        /// Open, or Waiting with the customer back.
        public var state: ConversationState
        public var arrivedAtMs: Int64
        /// D3: the agent a push offer is out to (picking it withdraws that offer).
        public var offeredTo: String?
    }

    /// The queue's open work items, oldest first.
    public func openWorkItems(inQueue queue: String) -> [OpenWorkItem] {
        guard let rank = queueRanks[queue] else { return [] }
        return queueIndexes[rank].workItems
            .compactMap { conversations[$0] }
            .sorted { $0.arrivalIndex < $1.arrivalIndex }
            .map {
                OpenWorkItem(
                    conversationID: $0.id, queue: $0.queue, workStream: $0.workStream, state: $0.state,
                    arrivedAtMs: $0.arrivedAtMs, offeredTo: $0.pending?.agentID)
            }
    }

    /// What an agent sees: the open work items of their queues (of this distributor), the
    /// higher-priority queue first, oldest first within a queue.
    public func openWorkItems(forAgent agentID: String) -> [OpenWorkItem] {
        guard let slot = agentSlots[agentID] else { return [] }
        return agentEntries[slot].memberships.map(\.queue).sorted().flatMap { openWorkItems(inQueue: queueIndexes[$0].name) }
    }

    /// D2/D3: the agent takes the conversation. The first pick wins; a later one is refused
    /// "already taken". Takes capacity whatever the agent's load and presence (the take is
    /// recorded when it goes above, D6); a push offer out for it is withdrawn.
    mutating func pick(_ id: String, by agentID: String, nowMs: Int64) throws(DistributionError) {
        guard var record = conversations[id] else {
            throw DistributionError(code: .unknownConversation, message: "no conversation \(id) here")
        }
        guard let stream = workStreams[record.workStream], stream.isPickable else {
            throw DistributionError(
                code: .notAllowed, message: "conversation \(id) is pushed to agents, not in open work items")
        }
        guard let rank = queueRanks[record.queue], queueIndexes[rank].positions[agentID] != nil else {
            throw DistributionError(code: .notAllowed, message: "agent \(agentID) is not a member of queue \(record.queue)")
        }
        if record.agentID == agentID, record.state == .active {
            return  // a repeat of their own pick: it stands
        }
        guard record.isAwaitingAgent else {
            throw DistributionError(code: .alreadyTaken, message: "conversation \(id) is already taken (\(record.state))")
        }
        take(&record, for: agentID, reason: stream.isPush ? .selectFromPush : .pick, nowMs: nowMs)
        save(record)
    }
}
