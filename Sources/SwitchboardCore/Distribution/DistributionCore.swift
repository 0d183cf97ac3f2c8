/// The push distribution state machine of one distributor (spec D1, D5, D6, Q1, Q2):
/// events in, stored records and actions out. Pure: time is passed in (`nowMs`), nothing
/// sleeps or polls; the owner arms a timer for `nextDeadline`.
///
/// Capacity is presence's to grant (wire.md 5.4): the core only reserves where its view
/// says the units are free, and counts its own reservations until presence's updates
/// include them, so one agent is not asked twice for the same free units.
public struct DistributionCore: Sendable {
    public struct QueuePolicy: Sendable, Hashable {
        public var definition: QueueDefinition
        public var offerTimeoutMs: Int64
    }

    public struct StreamPolicy: Sendable, Hashable {
        public var name: String
        public var capacity: Int
        public var allowedPresences: Set<BasePresence>
        public var isPush: Bool
    }

    public private(set) var queues: [String: QueuePolicy]
    public private(set) var workStreams: [String: StreamPolicy]
    public internal(set) var conversations: [String: ConversationRecord] = [:]
    public private(set) var agents: [String: AgentStatus] = [:]
    /// Agents presence denied; not eligible again until their next update (D1).
    public private(set) var deniedUntilUpdate: Set<String> = []
    /// Last assignment per agent as seen here, for mostIdle before presence reports it.
    var lastAssignedAtMs: [String: Int64] = [:]
    /// Per queue, the member index chosen last (round robin, and highestCapacity's ties).
    var cursor: [String: Int] = [:]
    private var nextArrivalIndex: UInt64 = 0
    /// Queue names by priority (lower number first), then name.
    let queueOrder: [String]

    public init(queues: [QueueDefinition], workStreams: [WorkStream]) {
        var policies = [String: QueuePolicy]()
        for queue in queues {
            policies[queue.name] = QueuePolicy(definition: queue, offerTimeoutMs: queue.offerTimeout.milliseconds)
        }
        self.queues = policies
        self.workStreams = Dictionary(
            workStreams.map {
                ($0.name, StreamPolicy(
                    name: $0.name, capacity: $0.capacity, allowedPresences: $0.allowedPresences,
                    isPush: $0.distribution == .push))
            },
            uniquingKeysWith: { first, _ in first })
        self.queueOrder = queues
            .sorted { ($0.priority, $0.name) < ($1.priority, $1.name) }
            .map(\.name)
    }

    // MARK: recovery

    /// Resumes from stored records (a restart): reservations being made are asked again (same
    /// id: presence dedupes), standing offers are sent again, Active conversations are kept.
    /// Expired offers are withdrawn by the `clockAdvanced` the owner sends next.
    public mutating func restore(_ records: [ConversationRecord]) -> DistributionStep {
        var step = DistributionStep()
        for record in records.sorted(by: { $0.arrivalIndex < $1.arrivalIndex }) {
            conversations[record.id] = record
            nextArrivalIndex = max(nextArrivalIndex, record.arrivalIndex + 1)
            if record.state == .active, let agentID = record.agentID, record.forwardedThrough > record.acknowledgedThrough {
                // Handed to the agent but not confirmed before the restart: hand again (M1).
                step.actions.append(.forwardMessages(
                    conversationID: record.id, agentID: agentID,
                    sequences: (record.acknowledgedThrough + 1)...record.forwardedThrough))
            }
            guard let pending = record.pending, let queue = queues[record.queue],
                let stream = workStreams[record.workStream]
            else { continue }
            switch pending.stage {
            case .reserving:
                step.actions.append(.reserve(ReserveRequest(
                    reservation: pending.reservation, conversationID: record.id, queue: record.queue,
                    allowedPresences: stream.allowedPresences)))
            case .offered:
                step.actions.append(.sendOffer(OfferRequest(
                    offerID: pending.offerID, conversationID: record.id, agentID: pending.agentID,
                    queue: queue.definition.name, workStream: record.workStream,
                    expiresAtMs: pending.expiresAtMs ?? 0, reservationID: pending.reservation.id)))
            }
        }
        return step
    }

    // MARK: events

    /// Applies one event at time `nowMs` (milliseconds since the Unix epoch).
    public mutating func handle(_ event: DistributionEvent, nowMs: Int64) -> DistributionStep {
        var step = DistributionStep()
        var changed = [String]()
        switch event {
        case let .conversationArrived(id, queue, workStream, sequence):
            if conversations[id] == nil {
                var record = ConversationRecord(
                    id: id, queue: queue, workStream: workStream, arrivedAtMs: nowMs,
                    arrivalIndex: nextArrivalIndex)
                nextArrivalIndex += 1
                record.receive(sequence)
                conversations[id] = record
                changed.append(id)
            } else if receive(sequence, in: id, step: &step) {
                changed.append(id)
            }

        case let .messageArrived(id, sequence):
            if receive(sequence, in: id, step: &step) { changed.append(id) }

        case .agentsSnapshot(let statuses):
            agents = Dictionary(statuses.map { ($0.agentID, $0) }, uniquingKeysWith: { _, last in last })
            deniedUntilUpdate.removeAll()

        case .agentUpdated(let status):
            agents[status.agentID] = status
            deniedUntilUpdate.remove(status.agentID)

        case let .reservationGranted(reservationID, sequence):
            if let id = conversationID(reservationID: reservationID),
                var record = conversations[id], var pending = record.pending, pending.stage == .reserving,
                let queue = queues[record.queue]
            {
                pending.stage = .offered
                pending.reservation.grantSequence = sequence
                pending.expiresAtMs = nowMs + queue.offerTimeoutMs
                record.pending = pending
                conversations[id] = record
                changed.append(id)
                step.actions.append(.sendOffer(OfferRequest(
                    offerID: pending.offerID, conversationID: id, agentID: pending.agentID,
                    queue: record.queue, workStream: record.workStream,
                    expiresAtMs: nowMs + queue.offerTimeoutMs, reservationID: reservationID)))
            }
            // A grant for nothing pending (answered twice, or after a restart) needs no action:
            // presence dedupes the reservation id and the record names it if it is still held.

        case .reservationDenied(let reservationID):
            if let id = conversationID(reservationID: reservationID),
                var record = conversations[id], let pending = record.pending, pending.stage == .reserving
            {
                deniedUntilUpdate.insert(pending.agentID)
                record.pending = nil
                conversations[id] = record
                changed.append(id)
            }

        case .offerUndeliverable(let offerID):
            if let id = conversationID(offerID: offerID), var record = conversations[id],
                let pending = record.pending, pending.stage == .offered
            {
                // Not the agent's decision: no decline counted, but not eligible until they change.
                deniedUntilUpdate.insert(pending.agentID)
                record.pending = nil
                conversations[id] = record
                changed.append(id)
                step.actions.append(.release(pending.reservation, conversationID: id))
            }

        case let .offerReplied(offerID, agentID, accepted):
            guard let id = conversationID(offerID: offerID), var record = conversations[id],
                let pending = record.pending, pending.stage == .offered, pending.agentID == agentID,
                let active = try? record.state.moving(to: .active)
            else {
                // A repeat of the accept that made the conversation Active (presence resends
                // until answered, also across our restarts) gets the same answer.
                let repeated = conversations.values.contains {
                    $0.state == .active && $0.agentID == agentID && $0.held?.id == offerID && accepted
                }
                step.actions.append(.answerOfferReply(offerID: offerID, stands: repeated))
                break
            }
            record.pending = nil
            if accepted {
                record.state = active
                record.agentID = agentID
                record.held = pending.reservation
                lastAssignedAtMs[agentID] = nowMs
                step.actions.append(.answerOfferReply(offerID: offerID, stands: true))
                step.actions.append(.offerAccepted(conversationID: id, agentID: agentID))
                if record.receivedThrough > record.forwardedThrough {
                    step.actions.append(.forwardMessages(
                        conversationID: id, agentID: agentID,
                        sequences: (record.forwardedThrough + 1)...record.receivedThrough))
                    record.forwardedThrough = record.receivedThrough
                }
            } else {
                record.declines[agentID, default: 0] += 1
                step.actions.append(.answerOfferReply(offerID: offerID, stands: true))
                step.actions.append(.release(pending.reservation, conversationID: id))
                step.actions.append(.offerRejected(conversationID: id, agentID: agentID))
            }
            conversations[id] = record
            changed.append(id)

        case let .messageAcknowledged(id, sequence):
            if var record = conversations[id], sequence > record.acknowledgedThrough, sequence <= record.forwardedThrough {
                record.acknowledgedThrough = sequence
                conversations[id] = record
                changed.append(id)
            }

        case .clockAdvanced:
            for (id, record) in conversations {
                guard let pending = record.pending, pending.stage == .offered,
                    let expiresAtMs = pending.expiresAtMs, expiresAtMs <= nowMs
                else { continue }
                var updated = record
                updated.pending = nil
                updated.declines[pending.agentID, default: 0] += 1
                conversations[id] = updated
                changed.append(id)
                step.actions.append(.withdrawOffer(offerID: pending.offerID, agentID: pending.agentID, conversationID: id))
                step.actions.append(.release(pending.reservation, conversationID: id))
                step.actions.append(.offerExpired(conversationID: id, agentID: pending.agentID))
            }
        }
        // Every event may have freed an agent or added work: try again (D1), never by polling.
        changed += assign(nowMs: nowMs, step: &step)
        var seen = Set<String>()
        step.changed = changed.filter { seen.insert($0).inserted }.compactMap { conversations[$0] }
        return step
    }

    /// The earliest offer expiry, for the owner's timer; nil when no offer is out.
    public var nextDeadline: Int64? {
        conversations.values.compactMap { $0.pending?.stage == .offered ? $0.pending?.expiresAtMs : nil }.min()
    }

    /// Free units of an agent as this distributor sees them: presence's count minus this
    /// distributor's reservations presence has not reported yet.
    public func freeUnits(of agentID: String) -> Int? {
        guard let agent = agents[agentID] else { return nil }
        var unreported = 0
        for record in conversations.values {
            for reservation in [record.pending?.reservation, record.held].compactMap({ $0 })
            where reservation.agentID == agentID {
                if let granted = reservation.grantSequence, granted <= agent.sequence { continue }
                unreported += reservation.units
            }
        }
        return agent.capacityTotal - agent.capacityUsed - unreported
    }

    // MARK: helpers

    private func conversationID(reservationID: String) -> String? {
        conversations.values.first { $0.pending?.reservation.id == reservationID }?.id
    }

    private func conversationID(offerID: String) -> String? {
        conversations.values.first { $0.pending?.offerID == offerID }?.id
    }

    /// Records a customer message; forwards what is now contiguous to the agent holding the
    /// conversation. Returns whether the record changed.
    private mutating func receive(_ sequence: UInt64, in id: String, step: inout DistributionStep) -> Bool {
        guard var record = conversations[id] else { return false }
        let before = record
        record.receive(sequence)
        if record.state == .active, let agentID = record.agentID, record.receivedThrough > record.forwardedThrough {
            step.actions.append(.forwardMessages(
                conversationID: id, agentID: agentID,
                sequences: (record.forwardedThrough + 1)...record.receivedThrough))
            record.forwardedThrough = record.receivedThrough
        }
        conversations[id] = record
        return record != before
    }
}

extension ConversationRecord {
    /// Adds a message sequence, keeping `receivedThrough` the end of the gap-free prefix.
    mutating func receive(_ sequence: UInt64) {
        guard sequence > receivedThrough, !receivedAhead.contains(sequence) else { return }
        receivedAhead.append(sequence)
        receivedAhead.sort()
        while let first = receivedAhead.first, first == receivedThrough + 1 {
            receivedThrough = first
            receivedAhead.removeFirst()
        }
    }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
