import Messaging

/// The task sending each queue's pending deliveries to its owner, while one runs: one per
/// queue (decisions §22, found by `switchboard chaos --rate 300`).
struct PendingDeliverySenders {
    private struct Sender {
        let peer: PeerID
        /// The distributor process's `Ready.instanceID`.
        let instanceID: String
        let run: UInt64
        /// Nil once the run sent everything pending (it stays on record, see `covers`).
        var task: Task<Void, Never>?
    }

    private var senders: [String: Sender] = [:]
    private var runs: UInt64 = 0

    /// Whether a sender of `queue` runs, or ran to its end, for this very distributor process.
    /// Its Ready again (it saw the router come back) then changes nothing: what the sender
    /// sent is in flight and resent by the link if unanswered, the rest it still sends.
    /// Starting over would send those in flight once more per Ready; a run that already
    /// ended counts too, or a Ready that comes once everything went out, before the acks,
    /// sends it all again (found when task jobs got cheaper, decisions §40).
    func covers(queue: String, to peer: PeerID, instanceID: String) -> Bool {
        guard let sender = senders[queue] else { return false }
        return sender.peer == peer && sender.instanceID == instanceID
    }

    /// Replaces `queue`'s sender (cancelled) by the task `start` makes; `start` gets the run
    /// to hand to `ended`.
    mutating func start(queue: String, to peer: PeerID, instanceID: String, _ start: (UInt64) -> Task<Void, Never>) {
        senders[queue]?.task?.cancel()
        runs += 1
        senders[queue] = Sender(peer: peer, instanceID: instanceID, run: runs, task: start(runs))
    }

    /// `run` of `queue` is over (unless another replaced it already): having sent everything
    /// (`completed`), it stays on record for `covers`; cut short (the queue changed hands,
    /// cancelled), it is forgotten, so the next Ready starts over.
    mutating func ended(queue: String, run: UInt64, completed: Bool) {
        guard senders[queue]?.run == run else { return }
        if completed { senders[queue]?.task = nil } else { senders[queue] = nil }
    }

    /// `peer` is gone or replaced, and the link forgot what was in flight to it: its senders
    /// stop, so that a Ready of the same process afterwards starts over and sends all of it.
    mutating func stop(to peer: PeerID) {
        for (queue, sender) in senders where sender.peer == peer {
            sender.task?.cancel()
            senders[queue] = nil
        }
    }
}
