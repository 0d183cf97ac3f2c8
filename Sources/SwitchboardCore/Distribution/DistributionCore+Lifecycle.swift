/// The conversation states (D5): the agents' moves (wrap-up, hold, release, resume, close),
/// the customer's (leaving, going quiet) and the timers' (auto-close, wrap-up capacity).
extension DistributionCore {
    // MARK: agent commands

    /// The agent ends the conversation: Active → WrapUp.
    mutating func wrapUp(_ id: String, by agentID: String, nowMs: Int64) throws(DistributionError) {
        var record = try heldRecord(id, by: agentID)
        _ = try record.state.moving(to: .wrapUp)
        toWrapUp(&record, nowMs: nowMs)
        save(record)
    }

    /// The agent puts it on hold: Active → Waiting.
    mutating func hold(_ id: String, by agentID: String, nowMs: Int64) throws(DistributionError) {
        var record = try heldRecord(id, by: agentID)
        _ = try record.state.moving(to: .waiting)
        toWaiting(&record, nowMs: nowMs)
        save(record)
    }

    /// The agent gives it back to its queue: Active → Open. Counted as a decline, so push
    /// does not hand it straight back to them.
    mutating func release(_ id: String, by agentID: String, nowMs: Int64) throws(DistributionError) {
        var record = try heldRecord(id, by: agentID)
        _ = try record.state.moving(to: .open)
        toOpen(&record, nowMs: nowMs)
        record.declines[agentID, default: 0] += 1
        save(record)
    }

    /// The agent writes to the conversation they left Waiting: Waiting → Active, theirs again
    /// whatever their capacity and presence (like D4).
    mutating func resume(_ id: String, by agentID: String, nowMs: Int64) throws(DistributionError) {
        var record = try heldRecord(id, by: agentID)
        _ = try record.state.moving(to: .active)
        take(&record, for: agentID, reason: .affinity, nowMs: nowMs)
        save(record)
    }

    /// The agent closes the conversation after wrap-up: WrapUp → Closed. (Waiting → Closed
    /// is the auto-close's, Open → Closed the customer's.)
    mutating func close(_ id: String, by agentID: String) throws(DistributionError) {
        var record = try heldRecord(id, by: agentID)
        if record.state == .waiting {
            throw DistributionError(
                code: .invalidTransition,
                message: "an agent cannot move a conversation from Waiting to Closed: it closes by auto-close (W1)")
        }
        _ = try record.state.moving(to: .closed)
        closeConversation(&record)
    }

    /// The conversation, when `agentID` holds it (Active, WrapUp) or last held it (Waiting).
    func heldRecord(_ id: String, by agentID: String) throws(DistributionError) -> ConversationRecord {
        guard let record = conversations[id] else {
            throw DistributionError(code: .unknownConversation, message: "no conversation \(id) here")
        }
        guard record.agentID == agentID else {
            throw DistributionError(code: .notAllowed, message: "conversation \(id) is not held by agent \(agentID)")
        }
        var acted = record
        acted.confirmCarried()  // stored with the command's change
        return acted
    }

    // MARK: customer and system events

    /// The customer left: an unassigned conversation closes, an Active one goes to wrap-up
    /// (the agent still closes it), as Dynamics 365 does for a chat the customer ends.
    mutating func customerLeft(_ id: String, nowMs: Int64) {
        guard var record = conversations[id] else { return }
        switch record.state {
        case .open, .waiting:
            closeConversation(&record)
        case .active:
            toWrapUp(&record, nowMs: nowMs)
            save(record)
        case .wrapUp, .closed:
            break
        }
    }

    /// An asynchronous conversation went quiet: Active → Waiting. Live chat does not.
    mutating func wentQuiet(_ id: String, nowMs: Int64) {
        guard var record = conversations[id], record.state == .active,
            workStreams[record.workStream]?.endsWithSession == false
        else { return }
        toWaiting(&record, nowMs: nowMs)
        save(record)
    }

    /// Fires the record's due timers: offer expiry, the end of wrap-up capacity, auto-close.
    mutating func fireTimers(_ id: String, nowMs: Int64) {
        guard var record = conversations[id] else { return }
        if let pending = record.pending, pending.stage == .offered, let expires = pending.expiresAtMs, expires <= nowMs {
            expireOffer(&record)
        }
        if record.state == .wrapUp, let releaseAt = record.capacityReleaseAtMs, releaseAt <= nowMs {
            releaseHeld(&record)
        }
        if let closeAt = record.autoCloseAtMs, closeAt <= nowMs, record.state == .open || record.state == .waiting {
            closeConversation(&record)
            return
        }
        save(record)
    }

    // MARK: the moves

    /// → WrapUp, keeping the capacity as the work stream says (D6 wrapUpCapacity).
    mutating func toWrapUp(_ record: inout ConversationRecord, nowMs: Int64) {
        abandonPending(&record, reason: .conversationClosed)
        let from = record.state
        record.state = .wrapUp
        record.autoCloseAtMs = nil
        switch workStreams[record.workStream]?.wrapUpCapacity ?? .always {
        case .always:
            break
        case .never:
            releaseHeld(&record)
        case .duration(let duration):
            if record.held != nil { record.capacityReleaseAtMs = nowMs + duration.milliseconds }
        }
        recorder.emit(.stateChanged(conversationID: record.id, from: from, to: .wrapUp, agentID: record.agentID))
    }

    /// → Waiting: capacity given back; the agent stays the one D4 offers it to first.
    mutating func toWaiting(_ record: inout ConversationRecord, nowMs: Int64) {
        abandonPending(&record, reason: .conversationClosed)
        releaseHeld(&record)
        let from = record.state
        record.state = .waiting
        record.needsAgent = false
        record.autoCloseAtMs = autoCloseDeadline(for: record, nowMs: nowMs)
        recorder.emit(.stateChanged(conversationID: record.id, from: from, to: .waiting, agentID: record.agentID))
    }

    /// → Open: back in its queue for anyone, capacity given back.
    mutating func toOpen(_ record: inout ConversationRecord, nowMs: Int64) {
        abandonPending(&record, reason: .conversationClosed)
        releaseHeld(&record)
        let from = record.state
        let agentID = record.agentID
        record.state = .open
        record.agentID = nil
        record.needsAgent = false
        record.autoCloseAtMs = autoCloseDeadline(for: record, nowMs: nowMs)
        recorder.emit(.stateChanged(conversationID: record.id, from: from, to: .open, agentID: agentID))
    }

    /// → Active for `agentID` at once (pick, select from push, resume): the reservation is
    /// recorded as held and asked of presence, which grants it whatever the load (D2–D4).
    mutating func take(_ record: inout ConversationRecord, for agentID: String, reason: CapacityReason, nowMs: Int64) {
        guard let stream = workStreams[record.workStream] else { return }
        abandonPending(&record, reason: .taken)
        let reservation = newReservation(&record, for: agentID, units: stream.capacity, reason: reason)
        let previous = record.agentID
        let from = record.state
        record.state = .active
        record.agentID = agentID
        record.held = reservation
        record.needsAgent = false
        record.autoCloseAtMs = nil
        recorder.emit(.reserve(ReserveRequest(
            reservation: reservation, conversationID: record.id, queue: record.queue, allowedPresences: [])))
        recorder.emit(.stateChanged(conversationID: record.id, from: from, to: .active, agentID: agentID))
        handOver(&record, from: previous, to: agentID)
        noteAssignment(agentID, nowMs: nowMs)
    }

    /// → Closed: everything given back, the router told (R1), the record stored one last
    /// time and dropped from memory.
    mutating func closeConversation(_ record: inout ConversationRecord) {
        abandonPending(&record, reason: .conversationClosed)
        releaseHeld(&record)
        let from = record.state
        record.state = .closed
        record.needsAgent = false
        record.autoCloseAtMs = nil
        recorder.emit(.stateChanged(conversationID: record.id, from: from, to: .closed, agentID: record.agentID))
        recorder.emit(.conversationClosed(conversationID: record.id))
        forget(record)
    }
}
