import Foundation
import Testing
@testable import SwitchboardCore

/// Drives a DistributionCore against a simulated presence that grants and denies by the
/// wire.md 5.4 rules and publishes updates, and a simulated store that keeps every changed
/// record as JSON (so a "crash" restores exactly what the store would hold). Messages go
/// through an inbox processed in order; after each call the system is quiet and
/// `DistributionInvariants` checks G2, G3, D6 and the core's indexes.
struct DistributionHarness {
    let queueDefinitions: [QueueDefinition]
    let streamDefinitions: [WorkStream]
    let otherQueues: Set<String>?
    var core: DistributionCore
    var nowMs: Int64 = 1_000_000
    /// Prefixed to every failure message (the property test puts its seed here).
    var context = ""

    // MARK: simulated presence

    /// Presence's authoritative view.
    var presence: [String: AgentStatus] = [:]
    var sequence: UInt64 = 0
    var held: [String: (reservation: Reservation, conversationID: String)] = [:]
    /// Agents whose session is gone: offers to them are undeliverable.
    var disconnected: Set<String> = []
    /// When false, Reserve actions wait in `pendingReserves` for the test to answer.
    var autoAnswerReserves = true
    /// False: presence's ReleaseAcks are held back in `unacknowledgedReleases`.
    var acknowledgesReleases = true
    var unacknowledgedReleases: [String] = []
    /// Every release a command's answer carried (decisions §58).
    var answeredReleases: [AnsweredRelease] = []
    var pendingReserves: [ReserveRequest] = []
    var openOffers: [String: OfferRequest] = [:]
    /// OfferReplies not answered yet: presence resends them (after a restart too).
    var unansweredReplies: [String: (agentID: String, accepted: Bool)] = [:]

    // MARK: what the owner saw

    /// Everything the core asked for, in order.
    var log: [DistributionAction] = []
    /// The open work items as the owner would push them to agents (added/removed actions).
    var workItems: [String: Set<String>] = [:]
    /// The store: every record as last stored.
    var stored: [String: Data] = [:]
    var arrived: Set<String> = []
    var closed: Set<String> = []
    var transferredOut: [String: String] = [:]
    var inbox: [DistributionEvent] = []

    init(queues: [QueueDefinition], workStreams: [WorkStream] = [Self.chat()], otherQueues: Set<String>? = nil) {
        queueDefinitions = queues
        streamDefinitions = workStreams
        self.otherQueues = otherQueues
        core = DistributionCore(queues: queues, workStreams: workStreams, otherQueues: otherQueues)
    }

    static func chat(
        name: String = "chat", capacity: Int = 1, allowed: Set<BasePresence> = [.available, .busy], push: Bool = true,
        selectFromPush: Bool = false, wrapUp: WrapUpCapacity = .always
    ) -> WorkStream {
        WorkStream(
            name: name, channelType: .chat, channels: ["web"], capacity: capacity, persistentChat: false,
            autoCloseAfterInactivity: nil, distribution: push ? .push : .pick, allowedPresences: allowed,
            selectFromPush: selectFromPush, agentAffinity: false, wrapUpCapacity: wrapUp, contextVariables: [],
            routingRules: [], fallbackQueue: "q")
    }

    /// An asynchronous (SMS) stream: affinity on by default, auto-close after inactivity.
    static func sms(
        name: String = "sms", capacity: Int = 1, allowed: Set<BasePresence> = [.available, .busy],
        affinity: Bool = true, autoClose: Duration? = .seconds(3600), wrapUp: WrapUpCapacity = .always
    ) -> WorkStream {
        WorkStream(
            name: name, channelType: .sms, channels: ["text"], capacity: capacity, persistentChat: false,
            autoCloseAfterInactivity: autoClose, distribution: .push, allowedPresences: allowed,
            selectFromPush: false, agentAffinity: affinity, wrapUpCapacity: wrapUp, contextVariables: [],
            routingRules: [], fallbackQueue: "q")
    }

    static func queue(
        _ name: String = "q", agents: [String], assignment: AssignmentMethod = .roundRobin, priority: Int = 0,
        timeout: Duration = .seconds(60), maxDeclines: Int = 3, onMissedOffer: MissedOfferAction = .keep
    ) -> QueueDefinition {
        QueueDefinition(
            name: name, priority: priority, agents: agents, assignment: assignment, offerTimeout: timeout,
            maxDeclines: maxDeclines, onMissedOffer: onMissedOffer)
    }

    // MARK: driving

    /// Sets agents as presence knows them and loads them as a snapshot.
    mutating func agents(_ list: [(String, BasePresence, Int)]) {
        for (id, base, total) in list {
            presence[id] = AgentStatus(agentID: id, basePresence: base, capacityTotal: total, capacityUsed: 0)
        }
        send(snapshot())
    }

    /// Presence's Clone snapshot: every agent as of the last sequence.
    mutating func snapshot() -> DistributionEvent {
        for id in presence.keys { presence[id]?.sequence = sequence }
        return .agentsSnapshot(presence.values.sorted { $0.agentID < $1.agentID })
    }

    mutating func setPresence(_ agentID: String, _ base: BasePresence) {
        presence[agentID]?.basePresence = base
        publish(agentID)
    }

    mutating func arrive(_ id: String, queue: String = "q", stream: String = "chat") {
        send(.conversationArrived(conversationID: id, queue: queue, workStream: stream, sequence: 1))
    }

    /// The customer writes message `sequence` (the next one when nil).
    mutating func write(_ id: String, sequence: UInt64? = nil) {
        let next = sequence ?? ((core.conversations[id]?.receivedThrough ?? 0) + 1)
        send(.messageArrived(conversationID: id, sequence: next))
    }

    /// `messagesThrough`: what presence reports the agent had with the offer (decisions §57);
    /// 0 by default, as a presence that carries no messages.
    mutating func reply(_ conversationID: String, accept: Bool, messagesThrough: UInt64 = 0) {
        guard let offer = openOffers[conversationID] else {
            Issue.record("\(context)no open offer for \(conversationID)")
            return
        }
        reply(offer, accept: accept, messagesThrough: messagesThrough)
    }

    mutating func reply(_ offer: OfferRequest, accept: Bool, messagesThrough: UInt64 = 0) {
        unansweredReplies[offer.offerID] = (offer.agentID, accept)
        send(.offerReplied(offerID: offer.offerID, agentID: offer.agentID, accepted: accept, messagesThrough: messagesThrough))
    }

    mutating func advance(to ms: Int64) {
        nowMs = ms
        send(.clockAdvanced)
    }

    mutating func advance(by ms: Int64) { advance(to: nowMs + ms) }

    /// An agent command; on success its step is stored and acted on like an event's.
    /// With `releasesInAnswer`, presence applies the releases the answer carries (decisions
    /// §58) unless `answerLost`: presence died before it did.
    @discardableResult
    mutating func command(
        _ agentID: String, _ kind: DistributionCommand.Kind, _ conversationID: String, releasesInAnswer: Bool = false,
        answerLost: Bool = false
    ) -> DistributionError? {
        let before = core.conversations
        let command = DistributionCommand(agentID: agentID, conversationID: conversationID, kind: kind, releasesInAnswer: releasesInAnswer)
        switch core.apply(command, nowMs: nowMs) {
        case .success(let step):
            process(step)
            answeredReleases.append(contentsOf: step.answeredReleases)
            if !answerLost {
                for given in step.answeredReleases { releaseAtPresence(given.reservation) }
            }
            drain()
            return nil
        case .failure(let error):
            #expect(core.conversations == before, "\(context)a refused command changed nothing")
            return error
        }
    }

    /// The agent's session dropped past the grace period: presence says offline (D7).
    mutating func disconnect(_ agentID: String) {
        disconnected.insert(agentID)
        inbox.append(.agentWentOffline(agentID: agentID))
        presence[agentID]?.basePresence = .offline
        publish(agentID)
    }

    mutating func reconnect(_ agentID: String, as base: BasePresence = .available) {
        disconnected.remove(agentID)
        setPresence(agentID, base)
    }

    mutating func send(_ event: DistributionEvent) {
        inbox.append(event)
        drain()
    }

    mutating func publish(_ agentID: String) {
        sequence += 1
        presence[agentID]?.sequence = sequence
        if let status = presence[agentID] { send(.agentUpdated(status)) }
    }

    /// Presence's answer to a Reserve the test held back (`autoAnswerReserves` false).
    mutating func answer(_ request: ReserveRequest, grant: Bool? = nil) {
        reserveAtPresence(request, grant: grant)
        drain()
    }

    // MARK: the restart (a crash of the distributor)

    /// Builds a fresh core from the store, as a restarted distributor does, then loads
    /// presence's snapshot and lets presence resend what it resends.
    mutating func restart() {
        inbox.removeAll()
        let decoder = JSONDecoder()
        let records = stored.values.compactMap { try? decoder.decode(ConversationRecord.self, from: $0) }
        #expect(records.count == stored.count, "\(context)every stored record decodes")
        core = DistributionCore(queues: queueDefinitions, workStreams: streamDefinitions, otherQueues: otherQueues)
        // Presence's snapshot is not loaded yet: G3 is checked on the reserves that follow it.
        process(core.restore(records), checkingPush: false)
        // The owner rebuilds the agents' lists from the core after a restart.
        workItems = Dictionary(uniqueKeysWithValues: queueDefinitions.map { queue in
            (queue.name, Set(core.openWorkItems(inQueue: queue.name).map(\.conversationID)))
        })
        inbox.append(snapshot())
        for (offerID, reply) in unansweredReplies.sorted(by: { $0.key < $1.key }) {
            inbox.append(.offerReplied(offerID: offerID, agentID: reply.agentID, accepted: reply.accepted))
        }
        inbox.append(.clockAdvanced)
        drain()
    }

    /// The distributor dies after storing a step and before acting on it.
    mutating func crashBeforeActing(_ event: DistributionEvent) {
        let step = core.handle(event, nowMs: nowMs)
        store(step)
        restart()
    }

    // MARK: internals

    mutating func drain() {
        while !inbox.isEmpty {
            let event = inbox.removeFirst()
            process(core.handle(event, nowMs: nowMs))
        }
        DistributionInvariants.check(self)
    }

    mutating func store(_ step: DistributionStep) {
        let encoder = JSONEncoder()
        for record in step.changed {
            if let live = core.conversations[record.id] {
                #expect(live == record, "\(context)changed records are the current ones")
            } else {
                // A departing record changes again when presence acknowledges its release.
                #expect(
                    record.state == .closed || transferredOut[record.id] != nil || transferredOutNow(step, record.id),
                    "\(context)only Closed or transferred records leave")
            }
            stored[record.id] = try? encoder.encode(record)
            arrived.insert(record.id)
        }
        for id in step.purged {
            #expect(core.conversations[id] == nil, "\(context)a live conversation's record purged")
            #expect(closed.contains(id) || transferredOut[id] != nil, "\(context)\(id) purged without leaving")
            stored[id] = nil
        }
    }

    /// The router acknowledges every close and transfer away sent so far (its Ack).
    mutating func routerConfirmsDepartures() {
        for id in closed.union(transferredOut.keys).sorted() { inbox.append(.departureConfirmed(conversationID: id)) }
        drain()
    }

    private func transferredOutNow(_ step: DistributionStep, _ id: String) -> Bool {
        step.actions.contains { if case .transferOut(id, _) = $0 { true } else { false } }
    }

    mutating func process(_ step: DistributionStep, checkingPush: Bool = true) {
        store(step)
        if checkingPush { DistributionInvariants.checkPushReservations(step, in: self) }
        for action in step.actions { perform(action) }
    }

    private mutating func perform(_ action: DistributionAction) {
        log.append(action)
        switch action {
        case .reserve(let request):
            if autoAnswerReserves { reserveAtPresence(request, grant: nil) } else { pendingReserves.append(request) }
        case .sendOffer(let offer):
            // G3: an offer only stands on granted capacity.
            #expect(held[offer.reservationID] != nil, "\(context)offer \(offer.offerID) without a granted reservation")
            if disconnected.contains(offer.agentID) {
                inbox.append(.offerUndeliverable(offerID: offer.offerID))
            } else {
                openOffers[offer.conversationID] = offer
            }
        case .release(let reservation, _):
            releaseAtPresence(reservation)
            if acknowledgesReleases {
                inbox.append(.releaseAcknowledged(reservationID: reservation.id))
            } else {
                unacknowledgedReleases.append(reservation.id)
            }
        case .withdrawOffer(let offerID, _, let conversationID, _):
            if openOffers[conversationID]?.offerID == offerID { openOffers[conversationID] = nil }
        case .answerOfferReply(let offerID, _):
            unansweredReplies[offerID] = nil
            openOffers = openOffers.filter { $0.value.offerID != offerID }
        case .setAgentAway(let agentID):
            if presence[agentID] != nil, presence[agentID]?.basePresence != .offline {
                presence[agentID]?.basePresence = .away
                sequence += 1
                presence[agentID]?.sequence = sequence
                if let status = presence[agentID] { inbox.append(.agentUpdated(status)) }
            }
        case .workItemAdded(let queue, let id):
            #expect(workItems[queue, default: []].insert(id).inserted, "\(context)work item \(id) added twice")
        case .workItemRemoved(let queue, let id):
            #expect(workItems[queue]?.remove(id) != nil, "\(context)work item \(id) removed but not listed")
        case .conversationClosed(let id):
            closed.insert(id)
        case .transferOut(let id, let queue):
            transferredOut[id] = queue
        default:
            break
        }
    }

    /// Presence gives the capacity back (idempotent) and publishes the change.
    mutating func releaseAtPresence(_ reservation: Reservation) {
        guard held.removeValue(forKey: reservation.id) != nil else { return }
        presence[reservation.agentID]?.capacityUsed -= reservation.units
        sequence += 1
        presence[reservation.agentID]?.sequence = sequence
        if let status = presence[reservation.agentID] { inbox.append(.agentUpdated(status)) }
    }

    /// Presence's rules (wire.md 5.4): a repeated id gets the same answer; push needs an
    /// allowed presence, a session and free units; the other reasons are always granted.
    private mutating func reserveAtPresence(_ request: ReserveRequest, grant: Bool?) {
        let id = request.reservation.id
        let agentID = request.reservation.agentID
        if let existing = held[id] {
            inbox.append(.reservationGranted(
                reservationID: id, sequence: existing.reservation.grantSequence ?? sequence, agentID: agentID,
                units: existing.reservation.units))
            return
        }
        guard var agent = presence[agentID] else {
            inbox.append(.reservationDenied(reservationID: id))
            return
        }
        let units = request.reservation.units
        let allowed =
            request.reason != .push
            || (request.allowedPresences.contains(agent.basePresence) && !disconnected.contains(agentID)
                && agent.capacityTotal - agent.capacityUsed >= units)
        guard grant ?? allowed else {
            inbox.append(.reservationDenied(reservationID: id))
            return
        }
        agent.capacityUsed += units
        sequence += 1
        agent.sequence = sequence
        presence[agentID] = agent
        var reservation = request.reservation
        reservation.grantSequence = sequence
        held[id] = (reservation, request.conversationID)
        inbox.append(.reservationGranted(reservationID: id, sequence: sequence, agentID: agentID, units: units))
        inbox.append(.agentUpdated(agent))
    }

    // MARK: reading the log and the store

    func storedRecord(_ id: String) -> ConversationRecord? {
        stored[id].flatMap { try? JSONDecoder().decode(ConversationRecord.self, from: $0) }
    }

    /// The agents Reserve was asked for, in order.
    var reservedAgents: [String] {
        log.compactMap { if case .reserve(let request) = $0 { request.reservation.agentID } else { nil } }
    }

    var offeredAgents: [String] {
        log.compactMap { if case .sendOffer(let offer) = $0 { offer.agentID } else { nil } }
    }

    var offeredConversations: [String] {
        log.compactMap { if case .sendOffer(let offer) = $0 { offer.conversationID } else { nil } }
    }
}
