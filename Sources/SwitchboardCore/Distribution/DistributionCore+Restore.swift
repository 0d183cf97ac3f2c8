/// Resuming from the stored records after a restart.
extension DistributionCore {
    /// Loads the stored records and asks again for what may not have happened before the
    /// restart: reservations being made or taken (same id: presence dedupes), offers out,
    /// releases not acknowledged, customer messages not confirmed to the agent, and the
    /// router's news of closed and transferred-away conversations. Deadlines resume as
    /// stored: expired ones fire with the `clockAdvanced` the owner sends next.
    public mutating func restore(_ records: [ConversationRecord]) -> DistributionStep {
        recorder = StepRecorder()
        recorder.announcesWorkItems = false
        for record in records.sorted(by: { $0.arrivalIndex < $1.arrivalIndex }) {
            nextArrivalIndex = max(nextArrivalIndex, record.arrivalIndex + 1)
            for reservation in record.releasing {
                recorder.emit(.release(reservation, conversationID: record.id))
            }
            if record.state == .closed {
                departing[record.id] = Departure(record: record)
                recorder.emit(.conversationClosed(conversationID: record.id))
                continue
            }
            guard queueRanks[record.queue] != nil else {
                // Transferred to another distributor's queue (D8) before the restart.
                departing[record.id] = Departure(record: record)
                recorder.emit(.transferOut(conversationID: record.id, toQueue: record.queue))
                continue
            }
            let old = conversations.updateValue(record, forKey: record.id)
            reindex(from: old, to: record)
            resend(record)
        }
        pruneDeadlines()
        let step = DistributionStep(actions: recorder.actions)
        recorder = StepRecorder()
        return step
    }

    private mutating func resend(_ record: ConversationRecord) {
        if record.state == .active, let agentID = record.agentID, record.forwardedThrough > record.acknowledgedThrough {
            // Handed to the agent but not confirmed before the restart: hand again (M1).
            recorder.emit(.forwardMessages(
                conversationID: record.id, agentID: agentID,
                sequences: (record.acknowledgedThrough + 1)...record.forwardedThrough))
        }
        let allowed = workStreams[record.workStream]?.allowedPresences ?? []
        if let held = record.held, held.grantSequence == nil {
            recorder.emit(.reserve(ReserveRequest(
                reservation: held, conversationID: record.id, queue: record.queue, allowedPresences: [])))
        }
        guard let pending = record.pending else { return }
        switch pending.stage {
        case .reserving:
            recorder.emit(.reserve(reserveRequest(for: pending, of: record, allowedPresences: pending.kind == .push ? allowed : [])))
        case .offered:
            recorder.emit(.sendOffer(offerRequest(for: pending, of: record)))
        }
    }
}
