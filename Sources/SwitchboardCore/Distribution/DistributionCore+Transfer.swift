/// Transfers (D8). To a queue: Active → Open there; a queue of another distributor gets
/// it through the router (`transferOut`). To an agent: offered to them, as Dynamics 365
/// does: the current agent keeps the conversation until the target accepts; a reject,
/// time-out or undeliverable offer leaves it with them. The target's capacity and presence
/// do not block the offer (they decide by accepting; the take is recorded above capacity,
/// D6), but an agent presence cannot reach (offline) does not get it.
extension DistributionCore {
    mutating func transfer(_ id: String, by agentID: String, toQueue queue: String, nowMs: Int64) throws(DistributionError) {
        var record = try heldRecord(id, by: agentID)
        _ = try record.state.moving(to: .open)
        let isLocal = queueRanks[queue] != nil
        guard isLocal || otherQueues.map({ $0.contains(queue) }) ?? true else {
            throw DistributionError(code: .unknownTarget, message: "no queue \(queue) to transfer conversation \(id) to")
        }
        toOpen(&record, nowMs: nowMs)
        if queue != record.queue {
            record.queue = queue
            record.declines = [:]
        }
        if isLocal {
            save(record)
        } else {
            recorder.emit(.transferOut(conversationID: id, toQueue: queue))
            forget(record)
        }
    }

    mutating func transfer(_ id: String, by agentID: String, toAgent target: String, nowMs: Int64) throws(DistributionError) {
        var record = try heldRecord(id, by: agentID)
        guard record.state == .active else {
            throw DistributionError(
                code: .invalidTransition,
                message: "only an Active conversation is transferred to an agent; \(id) is \(record.state)")
        }
        guard target != agentID else {
            throw DistributionError(code: .notAllowed, message: "agent \(agentID) already holds conversation \(id)")
        }
        guard agentStatus(target) != nil else {
            throw DistributionError(code: .unknownTarget, message: "no agent \(target) to transfer conversation \(id) to")
        }
        if let pending = record.pending {
            throw DistributionError(
                code: .notAllowed, message: "conversation \(id) is already being transferred to \(pending.agentID)")
        }
        startOffer(&record, to: target, kind: .transfer, nowMs: nowMs)
        save(record)
    }

    /// The target answered: accepted, they hold it and the current agent's capacity is given
    /// back; rejected, the current agent keeps it.
    mutating func transferReplied(
        _ record: inout ConversationRecord, pending: PendingOffer, accepted: Bool, hadThrough: UInt64, nowMs: Int64
    ) {
        let from = record.agentID ?? ""
        record.pending = nil
        recorder.emit(.answerOfferReply(offerID: pending.offerID, stands: true))
        guard accepted, record.state == .active else {
            giveBack(pending.reservation, of: &record)
            recorder.emit(.transferFailed(conversationID: record.id, fromAgentID: from, toAgentID: pending.agentID))
            return
        }
        releaseHeld(&record)
        record.held = pending.reservation
        record.agentID = pending.agentID
        recorder.emit(.transferCompleted(conversationID: record.id, fromAgentID: from, toAgentID: pending.agentID))
        handOver(&record, from: from, to: pending.agentID, hadThrough: hadThrough)
        noteAssignment(pending.agentID, nowMs: nowMs)
    }
}
