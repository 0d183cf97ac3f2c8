import Foundation
import Storage

/// R3's window (decisions §33): the journal forgets conversations closed longer ago than
/// `system.dedupeWindow`, so it holds what is open plus one window of history instead of
/// every message ever received.
extension RouterService {
    /// Often, so each sweep has a minute's closes to forget rather than a backlog.
    static let journalSweepInterval: Duration = .seconds(60)
    /// Conversations per transaction. The batch shares its group commit with the Submits
    /// queued behind it, which wait for it: 500 took 10–25 ms on this 2-core VM, 100 takes
    /// a few (decisions §33).
    static let journalSweepBatch = 100

    func sweepJournalPeriodically() async {
        let windowMs = configuration.system.dedupeWindow.milliseconds
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: Self.journalSweepInterval)
            } catch {
                return
            }
            await forgetClosedConversations(closedBeforeMs: Self.nowMs() - windowMs)
        }
    }

    /// Forgets, batch by batch, every conversation closed before `cutoffMs` with nothing
    /// pending; returns how many went. A failure is logged and left for the next sweep.
    @discardableResult
    func forgetClosedConversations(closedBeforeMs cutoffMs: Int64) async -> Int {
        var total = 0
        do {
            while !Task.isCancelled {
                let forgotten = try await journal.forgetClosedConversations(closedBeforeMs: cutoffMs, limit: Self.journalSweepBatch)
                total += forgotten
                metrics.forgotten(forgotten)
                if forgotten < Self.journalSweepBatch { break }
                await Task.yield()
            }
        } catch {
            metrics.journalError()
            logger.warning("cannot forget closed conversations; trying again at the next sweep", metadata: ["error": "\(error)"])
        }
        if total > 0 {
            logger.info("closed conversations past the dedupe window forgotten", metadata: ["count": "\(total)"])
        }
        return total
    }
}
