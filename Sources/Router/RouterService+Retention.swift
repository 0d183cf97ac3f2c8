import Foundation
import Storage

/// R3's window (decisions §33): the journal forgets conversations closed longer ago than
/// `system.dedupeWindow`, so it holds what is open plus one window of history instead of
/// every message ever received.
extension RouterService {
    /// Often enough that a window's worth of closes goes in small batches; rare enough to cost nothing.
    static let journalSweepInterval: Duration = .seconds(300)
    /// Conversations per transaction: a batch's commit holds up the Submits queued behind it
    /// on the loop, so it stays a few milliseconds.
    static let journalSweepBatch = 500

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
