/// Read-only views for the owner (metrics, the agents' screens, operations).
extension DistributionCore {
    /// How many conversations are Open in the queue (waiting for an agent).
    public func openCount(inQueue queue: String) -> Int {
        queueRanks[queue].map { queueIndexes[$0].openCount } ?? 0
    }

    /// How many conversations wait in the queue for a push offer (none out for them).
    public func waitingForOfferCount(inQueue queue: String) -> Int {
        queueRanks[queue].map { queueIndexes[$0].lines.values.reduce(0) { $0 + $1.count } } ?? 0
    }

    /// Every reservation held for a live conversation, offered or taken, by the conversation's
    /// queue (sorted): what presence may keep for each queue (decisions §58). One being given
    /// back is not held; an owned queue with none is absent.
    public func heldReservationIDs() -> [String: [String]] {
        var byQueue: [String: [String]] = [:]
        for (reservationID, conversationID) in reservationOwners {
            guard let record = conversations[conversationID],
                record.held?.id == reservationID || record.pending?.reservation.id == reservationID
            else { continue }
            byQueue[record.queue, default: []].append(reservationID)
        }
        return byQueue.mapValues { $0.sorted() }
    }

    /// The conversations the agent holds (Active, WrapUp) or last held (Waiting), oldest first.
    public func conversations(heldBy agentID: String) -> [ConversationRecord] {
        (holders[agentID] ?? []).compactMap { conversations[$0] }.sorted { $0.arrivalIndex < $1.arrivalIndex }
    }
}
