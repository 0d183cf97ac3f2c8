import HeapModule

/// The distribution state machine of one distributor (spec D1–D8, Q1, Q2, W1): events and
/// agent commands in, records to store and actions out. Pure: time is passed in (`nowMs`),
/// nothing sleeps or polls; every timer is a deadline in a record, and the owner arms one
/// timer for `nextDeadline` and sends `clockAdvanced` when it rings.
///
/// Capacity is presence's to grant (wire.md 5.4): push only reserves where this core's view
/// says the units are free, and counts its own reservations until presence's updates
/// include them, so one agent is not asked twice for the same free units.
///
/// Nothing scans every conversation or agent per event: waiting conversations sit in
/// per-queue, per-work-stream lines (oldest first), ready agents in per-queue pools shaped
/// for the queue's assignment method, and reservations, holders and deadlines are indexed.
/// Every record change goes through `save`/`forget`, which keep those indexes in step.
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
        public var selectFromPush: Bool
        public var agentAffinity: Bool
        public var wrapUpCapacity: WrapUpCapacity
        /// W1: Open and Waiting conversations close after this long without activity.
        public var autoCloseAfterMs: Int64?
        /// Live chat that is not persistent: it lives with the session, so D7 sends it back
        /// to its queue instead of leaving it Waiting, and it never "goes quiet".
        public var endsWithSession: Bool
        /// Index in `profiles`, for push streams.
        var profile: Int?

        /// Open work items (D2, D3) list the stream's conversations.
        public var isPickable: Bool { !isPush || selectFromPush }
    }

    public private(set) var queues: [String: QueuePolicy]
    public private(set) var workStreams: [String: StreamPolicy]
    public internal(set) var conversations: [String: ConversationRecord] = [:]
    /// Records that left (Closed, or moved to another distributor's queue) whose news the
    /// router has not confirmed, or whose capacity presence has not taken back, yet. Kept
    /// out of `conversations`, so no index or query sees them.
    var departing: [String: Departure] = [:]
    /// While a command whose answer carries its releases is applied (decisions §58).
    var releasesGoWithAnswer = false

    struct Departure: Sendable {
        var record: ConversationRecord
        var routerConfirmed = false
    }
    /// Queues owned by other distributors (D8 targets); nil accepts any name.
    let otherQueues: Set<String>?

    // MARK: indexes (rebuilt by `restore`; never stored)

    /// Owned queues by priority rank (lower priority number first, then name).
    var queueIndexes: [QueueIndex] = []
    var queueRanks: [String: Int] = [:]
    var profiles: [PresenceProfile] = []
    var agentSlots: [String: Int] = [:]
    var agentEntries: [AgentEntry] = []
    /// Agent → the conversations they hold or last held (Active, WrapUp, Waiting).
    var holders: [String: Set<String>] = [:]
    /// Reservation (and offer) id → conversation id.
    var reservationOwners: [String: String] = [:]
    var deadlines = Heap<Deadline>()
    var nextArrivalIndex: UInt64 = 0

    // MARK: one event's work in progress

    var recorder = StepRecorder()
    /// Queues (by rank) where a push offer may now be possible.
    var dirtyQueues: Set<Int> = []

    public init(queues: [QueueDefinition], workStreams: [WorkStream], otherQueues: Set<String>? = nil) {
        var policies = [String: QueuePolicy]()
        for queue in queues where policies[queue.name] == nil {
            policies[queue.name] = QueuePolicy(definition: queue, offerTimeoutMs: queue.offerTimeout.milliseconds)
        }
        self.queues = policies
        self.otherQueues = otherQueues

        var profiles = [PresenceProfile]()
        var streams = [String: StreamPolicy]()
        for stream in workStreams where streams[stream.name] == nil {
            let isPush = stream.distribution == .push
            var profile: Int?
            if isPush {
                if let index = profiles.firstIndex(where: { $0.allowedPresences == stream.allowedPresences }) {
                    profiles[index].minimumUnits = min(profiles[index].minimumUnits, stream.capacity)
                    profile = index
                } else {
                    profiles.append(PresenceProfile(allowedPresences: stream.allowedPresences, minimumUnits: stream.capacity))
                    profile = profiles.count - 1
                }
            }
            let wrapUp: WrapUpCapacity
            if case .duration(let duration) = stream.wrapUpCapacity, duration <= .zero {
                wrapUp = .never
            } else {
                wrapUp = stream.wrapUpCapacity
            }
            streams[stream.name] = StreamPolicy(
                name: stream.name, capacity: stream.capacity, allowedPresences: stream.allowedPresences,
                isPush: isPush, selectFromPush: isPush && stream.selectFromPush,
                agentAffinity: isPush && stream.agentAffinity, wrapUpCapacity: wrapUp,
                autoCloseAfterMs: stream.autoCloseAfterInactivity?.milliseconds,
                endsWithSession: stream.channelType == .chat && !stream.persistentChat, profile: profile)
        }
        self.workStreams = streams
        self.profiles = profiles

        let ordered = policies.values.map(\.definition).sorted { ($0.priority, $0.name) < ($1.priority, $1.name) }
        for (rank, queue) in ordered.enumerated() {
            queueRanks[queue.name] = rank
            queueIndexes.append(QueueIndex(definition: queue, members: queue.agents, profileCount: profiles.count))
        }
        for (rank, queue) in queueIndexes.enumerated() {
            for (position, agentID) in queue.members.enumerated() {
                agentEntries[slot(for: agentID)].memberships.append(.init(queue: rank, position: position))
            }
        }
    }

    // MARK: events

    /// Applies one event at time `nowMs` (milliseconds since the Unix epoch).
    public mutating func handle(_ event: DistributionEvent, nowMs: Int64) -> DistributionStep {
        switch event {
        case let .conversationArrived(id, queue, workStream, sequence):
            conversationArrived(id, queue: queue, workStream: workStream, sequence: sequence, nowMs: nowMs)
        case let .messageArrived(id, sequence):
            customerWrote(id, sequence: sequence, nowMs: nowMs)
        case .customerLeft(let id):
            customerLeft(id, nowMs: nowMs)
        case .conversationWentQuiet(let id):
            wentQuiet(id, nowMs: nowMs)
        case .agentsSnapshot(let statuses):
            loadSnapshot(statuses)
        case .agentUpdated(let status):
            update(status)
        case .agentWentOffline(let agentID):
            agentWentOffline(agentID, nowMs: nowMs)
        case let .queueMembersChanged(queue, agents):
            setMembers(agents, of: queue)
        case let .reservationGranted(reservationID, sequence, agentID, units, offered):
            reservationGranted(reservationID, sequence: sequence, agentID: agentID, units: units, offered: offered, nowMs: nowMs)
        case .reservationDenied(let reservationID):
            reservationDenied(reservationID, nowMs: nowMs)
        case .releaseAcknowledged(let reservationID):
            releaseAcknowledged(reservationID)
            departingReleaseAcknowledged(reservationID)
        case .departureConfirmed(let id):
            departureConfirmed(id)
        case .offerUndeliverable(let offerID):
            offerUndeliverable(offerID)
        case let .offerReplied(offerID, agentID, accepted, messagesThrough):
            offerReplied(offerID, agentID: agentID, accepted: accepted, messagesThrough: messagesThrough, nowMs: nowMs)
        case let .messageAcknowledged(id, sequence):
            messageAcknowledged(id, sequence: sequence)
        case .clockAdvanced:
            fireDeadlines(nowMs: nowMs)
        }
        return finishStep(nowMs: nowMs)
    }

    /// Applies an agent's command. A refusal changes nothing and says why: D2 "already
    /// taken", a D5 move naming both states, G5 not the agent's conversation.
    public mutating func apply(_ command: DistributionCommand, nowMs: Int64) -> Result<DistributionStep, DistributionError> {
        releasesGoWithAnswer = command.releasesInAnswer
        defer { releasesGoWithAnswer = false }
        do {
            // Each command checks everything before it changes anything.
            switch command.kind {
            case .pick: try pick(command.conversationID, by: command.agentID, nowMs: nowMs)
            case .wrapUp: try wrapUp(command.conversationID, by: command.agentID, nowMs: nowMs)
            case .hold: try hold(command.conversationID, by: command.agentID, nowMs: nowMs)
            case .release: try release(command.conversationID, by: command.agentID, nowMs: nowMs)
            case .resume: try resume(command.conversationID, by: command.agentID, nowMs: nowMs)
            case .close: try close(command.conversationID, by: command.agentID)
            case .transferToQueue(let queue):
                try transfer(command.conversationID, by: command.agentID, toQueue: queue, nowMs: nowMs)
            case .transferToAgent(let target):
                try transfer(command.conversationID, by: command.agentID, toAgent: target, nowMs: nowMs)
            }
        } catch {
            recorder = StepRecorder()
            return .failure(error)
        }
        return .success(finishStep(nowMs: nowMs))
    }

    /// Every event may have freed an agent or added work: try again (D1), never by polling.
    private mutating func finishStep(nowMs: Int64) -> DistributionStep {
        assignDirtyQueues(nowMs: nowMs)
        pruneDeadlines()
        let step = DistributionStep(
            changed: recorder.changed, actions: recorder.actions, purged: recorder.purged, answeredReleases: recorder.answeredReleases)
        recorder = StepRecorder()
        return step
    }

    // MARK: arrivals and customer messages

    private mutating func conversationArrived(_ id: String, queue: String, workStream: String, sequence: UInt64, nowMs: Int64) {
        guard conversations[id] == nil else {
            customerWrote(id, sequence: sequence, nowMs: nowMs)
            return
        }
        var record = ConversationRecord(
            id: id, queue: queue, workStream: workStream, arrivedAtMs: nowMs, arrivalIndex: nextArrivalIndex)
        record.releasing = takeBackDeparting(id)
        nextArrivalIndex += 1
        record.receive(sequence)
        record.autoCloseAtMs = autoCloseDeadline(for: record, nowMs: nowMs)
        save(record)
    }

    /// A customer message (M1): forwarded to the agent of an Active conversation; it brings
    /// a Waiting one back to an agent (D4 first, else push); it keeps an Open one alive (W1).
    private mutating func customerWrote(_ id: String, sequence: UInt64, nowMs: Int64) {
        guard var record = conversations[id] else { return }
        let before = record
        record.receive(sequence)
        guard record != before else { return }  // a repeat: nothing new
        switch record.state {
        case .active:
            if let agentID = record.agentID { forwardNew(&record, to: agentID) }
        case .open:
            record.autoCloseAtMs = autoCloseDeadline(for: record, nowMs: nowMs)
        case .waiting:
            record.autoCloseAtMs = autoCloseDeadline(for: record, nowMs: nowMs)
            if !record.needsAgent {
                record.needsAgent = true
                if let stream = workStreams[record.workStream], stream.agentAffinity, let last = record.agentID {
                    startOffer(&record, to: last, kind: .affinity, nowMs: nowMs)
                }
            }
        case .wrapUp, .closed:
            break
        }
        save(record)
    }

    private mutating func messageAcknowledged(_ id: String, sequence: UInt64) {
        guard var record = conversations[id], sequence > record.acknowledgedThrough, sequence <= record.forwardedThrough
        else { return }
        record.acknowledgedThrough = sequence
        if let carried = record.carriedThrough, sequence >= carried { record.carriedThrough = nil }
        save(record)
    }

    /// Presence is back, perhaps restarted: it may have lost an accept it had not confirmed
    /// to its agent yet, and with it what tells the agent the conversation is theirs. The
    /// messages such accepted offers carried go again as messages, which say it (decisions
    /// §57); an agent who had them already drops the repeats by sequence (agent.md).
    public mutating func presenceReturned() -> DistributionStep {
        // Only the few unconfirmed ones are sorted (oldest first), not every conversation held.
        let unconfirmed = conversations.values.filter { record in
            record.state == .active && record.agentID != nil && (record.carriedThrough ?? 0) > record.acknowledgedThrough
        }
        let actions = unconfirmed.sorted { $0.arrivalIndex < $1.arrivalIndex }.compactMap { record -> DistributionAction? in
            guard let agentID = record.agentID, let carried = record.carriedThrough else { return nil }
            return .forwardMessages(conversationID: record.id, agentID: agentID, sequences: (record.acknowledgedThrough + 1)...carried)
        }
        return DistributionStep(actions: actions)
    }

    func autoCloseDeadline(for record: ConversationRecord, nowMs: Int64) -> Int64? {
        guard record.state == .open || record.state == .waiting,
            let after = workStreams[record.workStream]?.autoCloseAfterMs
        else { return nil }
        return nowMs + after
    }

    /// Hands the agent what they have not had. A different agent than the last one gets the
    /// whole customer side from the first message, but for the messages 1...`hadThrough`
    /// the accepted offer carried (decisions §57).
    mutating func handOver(_ record: inout ConversationRecord, from previous: String?, to agentID: String, hadThrough: UInt64 = 0) {
        if previous != agentID {
            record.forwardedThrough = 0
            record.acknowledgedThrough = 0
            record.carriedThrough = nil
        }
        // Handed over with the offer, confirmed by the agent's first action on it.
        let had = min(hadThrough, record.receivedThrough)
        if had > record.forwardedThrough {
            record.forwardedThrough = had
            record.carriedThrough = had
        }
        forwardNew(&record, to: agentID)
    }

    private mutating func forwardNew(_ record: inout ConversationRecord, to agentID: String) {
        guard record.receivedThrough > record.forwardedThrough else { return }
        recorder.emit(.forwardMessages(
            conversationID: record.id, agentID: agentID,
            sequences: (record.forwardedThrough + 1)...record.receivedThrough))
        record.forwardedThrough = record.receivedThrough
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

/// The records and actions of the event being applied. A record changed twice is stored once.
struct StepRecorder: Sendable {
    private(set) var changed: [ConversationRecord] = []
    private var positions: [String: Int] = [:]
    private(set) var actions: [DistributionAction] = []
    /// False while restoring: nobody is listening for open work item changes yet.
    var announcesWorkItems = true

    /// Stored records deleted by this step (after `changed` is written).
    private(set) var purged: [String] = []

    mutating func record(_ record: ConversationRecord) {
        if let index = positions[record.id] {
            changed[index] = record
        } else {
            positions[record.id] = changed.count
            changed.append(record)
        }
    }

    /// The record goes: a write of it earlier in this step is not needed any more.
    mutating func purge(_ id: String) {
        if let index = positions.removeValue(forKey: id) {
            changed.remove(at: index)
            for (other, position) in positions where position > index { positions[other] = position - 1 }
        }
        purged.append(id)
    }

    mutating func emit(_ action: DistributionAction) { actions.append(action) }

    /// Reservations given back in the answer of the command being applied.
    private(set) var answeredReleases: [AnsweredRelease] = []

    mutating func answer(_ release: AnsweredRelease) { answeredReleases.append(release) }
}

extension Duration {
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
