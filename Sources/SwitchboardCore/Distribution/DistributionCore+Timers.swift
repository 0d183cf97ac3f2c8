/// Durable timers: every deadline is a field of a record (offer expiry, wrap-up capacity,
/// auto-close), indexed in one heap; the owner arms one timer for `nextDeadline`.
extension DistributionCore {
    /// The earliest deadline of any conversation, for the owner's timer; nil when none.
    public var nextDeadline: Int64? { deadlines.min?.atMs }

    /// Fires everything due at `nowMs`.
    mutating func fireDeadlines(nowMs: Int64) {
        while let top = deadlines.min, top.atMs <= nowMs {
            deadlines.removeMin()
            guard conversations[top.conversationID]?.earliestDeadline == top.atMs else { continue }
            fireTimers(top.conversationID, nowMs: nowMs)
        }
    }

    /// Drops deadlines that no longer hold (the offer was answered, the record changed), so
    /// `nextDeadline` is exact.
    mutating func pruneDeadlines() {
        while let top = deadlines.min, conversations[top.conversationID]?.earliestDeadline != top.atMs {
            deadlines.removeMin()
        }
    }
}
