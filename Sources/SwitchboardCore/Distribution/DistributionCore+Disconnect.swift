/// An agent gone past presence's grace period (D7).
extension DistributionCore {
    /// Their Active live chats go back to their queues (Open), their asynchronous ones to
    /// Waiting (D4 still offers them to this agent first when the customer writes); their
    /// WrapUp ones close, as the wrap-up cannot go on without them; offers out to them are
    /// withdrawn (no decline counted) and transfers to them fail. Push skips them until
    /// presence's next update (which says offline).
    mutating func agentWentOffline(_ agentID: String, nowMs: Int64) {
        for id in (holders[agentID] ?? []).sorted() {
            guard var record = conversations[id], record.agentID == agentID else { continue }
            switch record.state {
            case .active:
                if workStreams[record.workStream]?.endsWithSession ?? true {
                    toOpen(&record, nowMs: nowMs)
                } else {
                    toWaiting(&record, nowMs: nowMs)
                }
                save(record)
            case .wrapUp:
                closeConversation(&record)
            case .open, .waiting, .closed:
                break
            }
        }
        let index = slot(for: agentID)
        let offered = agentEntries[index].own.keys.compactMap { reservationOwners[$0] }
        for id in Set(offered).sorted() {
            guard var record = conversations[id], record.pending?.agentID == agentID else { continue }
            abandonPending(&record, reason: .agentUnavailable)
            save(record)
        }
        deny(agentID)
    }
}
