import HeapModule

/// The sending half of store-and-forward: which messages are waiting for an acknowledgement,
/// and which are due to be sent again (zguide ch. 4, "Lazy Pirate", with many messages in
/// flight).
///
/// Every message keeps its id across resends, so the receiver can drop duplicates. The wait
/// before each resend doubles up to `maximumTimeout`, so a peer that is slow rather than
/// gone is not flooded. `maximumInFlight` bounds what a sender pushes at a peer that does
/// not answer; the owner stops taking new work from its outbox while `hasCapacity` is false.
///
/// The first wait adapts to the peer (decisions §35): it is the larger of
/// `acknowledgementTimeout` and the answer time measured on this link plus four times its
/// spread (TCP's retransmission timer, RFC 6298, with Karn's rule: a resent message gives no
/// sample). A busy peer that answers in 3 s is then not sent everything a second time
/// after 2 s, which would only add to its queue; a lost message is still resent, a little
/// later. It applies to messages already in flight too, when their deadline comes. Two
/// bounds keep recovery from loss quick: the wait adapts up to four times
/// `acknowledgementTimeout`, and messages in flight while the peer fell silent (a restart,
/// a stall) give no sample (`peerWasSilent`), as their answers measure the outage.
///
/// A pure state machine (times passed in); the owner does the sending and the storing.
public struct AcknowledgementTracker<ID: Hashable & Sendable, Instant: InstantProtocol>: Sendable
where Instant.Duration == Duration {
    public struct Settings: Sendable, Equatable {
        public var acknowledgementTimeout: Duration
        public var maximumTimeout: Duration
        public var maximumInFlight: Int

        public init(
            acknowledgementTimeout: Duration = .seconds(2), maximumTimeout: Duration = .seconds(30),
            maximumInFlight: Int = 10_000
        ) {
            self.acknowledgementTimeout = acknowledgementTimeout
            self.maximumTimeout = max(acknowledgementTimeout, maximumTimeout)
            self.maximumInFlight = max(1, maximumInFlight)
        }
    }

    private struct Pending: Sendable {
        var sequence: UInt64  // order of first send, so resends keep the original order
        var attempts: Int
        var lastSent: Instant
        var deadline: Instant
        /// Sent more than once (also by `resendAll`), or in flight while the peer was silent:
        /// its answer is no measure of the wait.
        var resent = false
    }

    /// A deadline in the heap; stale once the message is acknowledged or rescheduled
    /// (checked against `pending` when popped: cheaper than removing from the middle).
    private struct Deadline: Comparable, Sendable {
        var at: Instant
        var sequence: UInt64
        var id: ID

        static func < (lhs: Deadline, rhs: Deadline) -> Bool {
            (lhs.at, lhs.sequence) < (rhs.at, rhs.sequence)
        }
        static func == (lhs: Deadline, rhs: Deadline) -> Bool {
            lhs.at == rhs.at && lhs.sequence == rhs.sequence
        }
    }

    public let settings: Settings
    private var pending: [ID: Pending] = [:]
    private var deadlines = Heap<Deadline>()
    private var nextSequence: UInt64 = 0
    /// Smoothed answer time and its mean deviation (RFC 6298); nil before the first sample.
    private var roundTrip: (smoothed: Duration, deviation: Duration)?

    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    public var inFlightCount: Int { pending.count }
    public var hasCapacity: Bool { pending.count < settings.maximumInFlight }
    public func isPending(_ id: ID) -> Bool { pending[id] != nil }

    /// The message was sent for the first time at `now`. Sending an id that is already in
    /// flight changes nothing (its schedule stays).
    public mutating func sent(_ id: ID, at now: Instant) {
        guard pending[id] == nil else { return }
        let entry = Pending(sequence: nextSequence, attempts: 1, lastSent: now, deadline: now.advanced(by: firstTimeout))
        nextSequence += 1
        pending[id] = entry
        deadlines.insert(Deadline(at: entry.deadline, sequence: entry.sequence, id: id))
    }

    /// The peer acknowledged `id` at `now`. Returns false for an unknown or repeated
    /// acknowledgement, which the owner ignores (the peer re-acks duplicates by design).
    @discardableResult
    public mutating func acknowledged(_ id: ID, at now: Instant) -> Bool {
        guard let entry = pending.removeValue(forKey: id) else { return false }
        // Karn: the answer to a resent message may answer any of its copies.
        if !entry.resent { measured(entry.lastSent.duration(to: now)) }
        return true
    }

    /// The wait before a message's first resend: `acknowledgementTimeout`, or longer when
    /// this peer has been answering slowly.
    public var firstTimeout: Duration {
        guard let roundTrip else { return settings.acknowledgementTimeout }
        let adapted = roundTrip.smoothed + roundTrip.deviation * 4
        return min(max(settings.acknowledgementTimeout, adapted), settings.acknowledgementTimeout * 4, settings.maximumTimeout)
    }

    /// Nothing came from the peer for longer than its heartbeats allow: the answers to what
    /// is in flight now will measure that silence, not the peer's queue, so they give no sample.
    public mutating func peerWasSilent() {
        for id in Array(pending.keys) { pending[id]?.resent = true }
    }

    /// RFC 6298 section 2: the first sample sets the estimate, later ones move it by 1/8
    /// (and the deviation by 1/4).
    private mutating func measured(_ sample: Duration) {
        let sample = max(sample, .zero)
        guard let (smoothed, deviation) = roundTrip else {
            roundTrip = (sample, sample / 2)
            return
        }
        let error = smoothed > sample ? smoothed - sample : sample - smoothed
        roundTrip = (smoothed * 7 / 8 + sample / 8, deviation * 3 / 4 + error / 4)
    }

    /// The messages whose acknowledgement is overdue at `now`, in their original order;
    /// they count as sent again and wait twice as long (up to `maximumTimeout`) next time.
    public mutating func dueForResend(at now: Instant) -> [ID] {
        var due: [(sequence: UInt64, id: ID)] = []
        var postponed: [Deadline] = []
        while let earliest = deadlines.min, earliest.at <= now {
            deadlines.removeMin()
            guard var entry = pending[earliest.id], entry.sequence == earliest.sequence, entry.deadline == earliest.at
            else { continue }
            // The wait may have grown since the deadline was set (a slower peer): not due yet.
            let dueAt = entry.lastSent.advanced(by: timeout(forAttempt: entry.attempts))
            if dueAt > now {
                entry.deadline = dueAt
                pending[earliest.id] = entry
                postponed.append(Deadline(at: dueAt, sequence: entry.sequence, id: earliest.id))
                continue
            }
            entry.attempts += 1
            entry.resent = true
            entry.lastSent = now
            entry.deadline = now.advanced(by: timeout(forAttempt: entry.attempts))
            pending[earliest.id] = entry
            due.append((entry.sequence, earliest.id))
        }
        for item in due {
            if let entry = pending[item.id] {
                deadlines.insert(Deadline(at: entry.deadline, sequence: entry.sequence, id: item.id))
            }
        }
        for deadline in postponed { deadlines.insert(deadline) }
        return due.sorted { $0.sequence < $1.sequence }.map(\.id)
    }

    /// The link came back (peer revived or reconnected): everything unacknowledged is sent
    /// again now, in original order, with the wait reset to the first timeout.
    public mutating func resendAll(at now: Instant) -> [ID] {
        let ordered = pending.sorted { $0.value.sequence < $1.value.sequence }
        deadlines = Heap()
        for (id, var entry) in ordered {
            entry.attempts = 1
            entry.resent = true
            entry.lastSent = now
            entry.deadline = now.advanced(by: firstTimeout)
            pending[id] = entry
            deadlines.insert(Deadline(at: entry.deadline, sequence: entry.sequence, id: id))
        }
        return ordered.map(\.key)
    }

    /// When `dueForResend` next has something to return, if anything is in flight.
    public mutating func nextDeadline() -> Instant? {
        // Drop stale heap entries so the answer is exact.
        while let earliest = deadlines.min {
            if let entry = pending[earliest.id], entry.sequence == earliest.sequence, entry.deadline == earliest.at {
                return earliest.at
            }
            deadlines.removeMin()
        }
        return nil
    }

    /// The wait after the `attempt`-th send: the first timeout, doubled for each resend.
    private func timeout(forAttempt attempt: Int) -> Duration {
        var timeout = firstTimeout
        var doublings = 1
        while doublings < attempt, timeout < settings.maximumTimeout {
            timeout = timeout * 2
            doublings += 1
        }
        return min(timeout, settings.maximumTimeout)
    }
}
