/// The one way records change: `save` and `forget` store the record in the step and keep
/// every index in step with it (reservations, agents' own units, holders, waiting lines,
/// open work items, Open counts, deadlines).
extension DistributionCore {
    /// A deadline of one record, in the owner's timer heap (lazy: checked when it comes up).
    struct Deadline: Comparable, Sendable {
        var atMs: Int64
        var conversationID: String

        static func < (lhs: Deadline, rhs: Deadline) -> Bool {
            (lhs.atMs, lhs.conversationID) < (rhs.atMs, rhs.conversationID)
        }
    }

    /// Keeps the changed record, to be stored before any action of this step.
    mutating func save(_ record: ConversationRecord) {
        let old = conversations.updateValue(record, forKey: record.id)
        reindex(from: old, to: record)
        recorder.record(record)
    }

    /// Stores the record (Closed, or transferred to another distributor's queue) and drops it
    /// from the live conversations. It stays a `departing` record until the router confirms
    /// the news and presence every release; then the stored record is deleted (`purge`).
    mutating func forget(_ record: ConversationRecord) {
        recorder.record(record)
        let old = conversations.removeValue(forKey: record.id)
        reindex(from: old, to: nil)
        departing[record.id] = Departure(record: record)
    }

    /// The router confirmed a close or a transfer to another distributor (its Ack).
    mutating func departureConfirmed(_ id: String) {
        guard departing[id] != nil else { return }
        departing[id]?.routerConfirmed = true
        purgeIfDone(id)
    }

    /// Presence acknowledged a release of a departing record.
    mutating func departingReleaseAcknowledged(_ reservationID: String) {
        let id = reservationID.conversationIDOfReservation
        guard var departure = departing[id], departure.record.releasing.contains(where: { $0.id == reservationID }) else { return }
        departure.record.releasing.removeAll { $0.id == reservationID }
        departing[id] = departure
        recorder.record(departure.record)
        purgeIfDone(id)
    }

    /// Nothing is left to resend after a restart: the stored record goes (a restart used to
    /// resend the close, or the transfer, and every release of every departed record).
    private mutating func purgeIfDone(_ id: String) {
        guard let departure = departing[id], departure.routerConfirmed, departure.record.releasing.isEmpty else { return }
        departing[id] = nil
        recorder.purge(id)
    }

    /// A departing record's conversation is here again (a transfer away and back before the
    /// router confirmed): the live record takes over its unacknowledged releases, and
    /// nothing is purged.
    mutating func takeBackDeparting(_ id: String) -> [Reservation] {
        departing.removeValue(forKey: id)?.record.releasing ?? []
    }

    /// Whether the record waits in a push line: wants an agent, no offer out, push stream.
    func isWaitingForPush(_ record: ConversationRecord) -> Bool {
        record.isAwaitingAgent && record.pending == nil && workStreams[record.workStream]?.isPush == true
            && queueRanks[record.queue] != nil
    }

    /// Whether the record is one of its queue's open work items (D2, D3).
    func isOpenWorkItem(_ record: ConversationRecord) -> Bool {
        record.isAwaitingAgent && workStreams[record.workStream]?.isPickable == true && queueRanks[record.queue] != nil
    }

    mutating func reindex(from old: ConversationRecord?, to new: ConversationRecord?) {
        guard let id = new?.id ?? old?.id else { return }
        reindexReservations(id, from: old, to: new)
        if old?.agentID != new?.agentID {
            if let previous = old?.agentID {
                holders[previous]?.remove(id)
                if holders[previous]?.isEmpty == true { holders[previous] = nil }
            }
            if let next = new?.agentID { holders[next, default: []].insert(id) }
        }
        reindexLines(id, from: old, to: new)
        reindexWorkItems(id, from: old, to: new)
        if old?.state == .open, let rank = old.flatMap({ queueRanks[$0.queue] }) { queueIndexes[rank].openCount -= 1 }
        if new?.state == .open, let rank = new.flatMap({ queueRanks[$0.queue] }) { queueIndexes[rank].openCount += 1 }
        if let deadline = new?.earliestDeadline, deadline != old?.earliestDeadline {
            deadlines.insert(Deadline(atMs: deadline, conversationID: id))
        }
    }

    private mutating func reindexReservations(_ id: String, from old: ConversationRecord?, to new: ConversationRecord?) {
        let oldNames = old?.reservationIDs ?? []
        let newNames = new?.reservationIDs ?? []
        for name in oldNames where !newNames.contains(name) { reservationOwners[name] = nil }
        for name in newNames where !oldNames.contains(name) { reservationOwners[name] = id }
        // Held and offered units count against the agent; given-back ones no longer do.
        let oldCounted = [old?.held, old?.pending?.reservation].compactMap { $0 }
        let newCounted = [new?.held, new?.pending?.reservation].compactMap { $0 }
        guard oldCounted != newCounted else { return }
        var touched = [String]()
        for reservation in oldCounted where !newCounted.contains(reservation) {
            agentEntries[slot(for: reservation.agentID)].own[reservation.id] = nil
            touched.append(reservation.agentID)
        }
        for reservation in newCounted where !oldCounted.contains(reservation) {
            agentEntries[slot(for: reservation.agentID)].own[reservation.id] = reservation
            touched.append(reservation.agentID)
        }
        for agentID in Set(touched) { refreshAgent(slot(for: agentID)) }
    }

    private mutating func reindexLines(_ id: String, from old: ConversationRecord?, to new: ConversationRecord?) {
        // Not `old.map(isWaitingForPush)`: a method reference copies the whole core into its
        // context (every field retained and released) on every record change.
        let wasWaiting = if let old { isWaitingForPush(old) } else { false }
        let isWaiting = if let new { isWaitingForPush(new) } else { false }
        let sameLine = old?.queue == new?.queue && old?.workStream == new?.workStream
        if wasWaiting, !isWaiting || !sameLine, let old, let rank = queueRanks[old.queue] {
            queueIndexes[rank].lines[old.workStream]?.leave(id)
        }
        if isWaiting, !wasWaiting || !sameLine, let new, let rank = queueRanks[new.queue] {
            queueIndexes[rank].lines[new.workStream, default: WaitingLine()].enter(id, arrivalIndex: new.arrivalIndex)
            dirtyQueues.insert(rank)
        }
    }

    private mutating func reindexWorkItems(_ id: String, from old: ConversationRecord?, to new: ConversationRecord?) {
        let wasItem = if let old { isOpenWorkItem(old) } else { false }
        let isItem = if let new { isOpenWorkItem(new) } else { false }
        let sameQueue = old?.queue == new?.queue
        if wasItem, !isItem || !sameQueue, let old, let rank = queueRanks[old.queue] {
            queueIndexes[rank].workItems.remove(id)
            if recorder.announcesWorkItems { recorder.emit(.workItemRemoved(queue: old.queue, conversationID: id)) }
        }
        if isItem, !wasItem || !sameQueue, let new, let rank = queueRanks[new.queue] {
            queueIndexes[rank].workItems.insert(id)
            if recorder.announcesWorkItems { recorder.emit(.workItemAdded(queue: new.queue, conversationID: id)) }
        }
    }
}
