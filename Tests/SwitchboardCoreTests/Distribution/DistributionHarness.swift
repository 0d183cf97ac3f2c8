import Testing
@testable import SwitchboardCore

/// Drives a DistributionCore against a simulated presence that grants and denies by the
/// wire.md 5.4 rules and publishes updates, checking G2, G3 and D6 after every step.
struct DistributionHarness {
    var core: DistributionCore
    var nowMs: Int64 = 1_000_000
    /// Presence's authoritative view.
    var presence: [String: AgentStatus] = [:]
    var sequence: UInt64 = 0
    var held: [String: (reservation: Reservation, conversationID: String)] = [:]
    /// When false, Reserve actions wait in `pendingReserves` for the test to answer.
    var autoAnswerReserves = true
    var pendingReserves: [ReserveRequest] = []
    /// Everything the core asked for, in order.
    var log: [DistributionAction] = []
    var openOffers: [String: OfferRequest] = [:]

    init(queues: [QueueDefinition], workStreams: [WorkStream] = [Self.chat()]) {
        core = DistributionCore(queues: queues, workStreams: workStreams)
    }

    static func chat(name: String = "chat", capacity: Int = 1, allowed: Set<BasePresence> = [.available, .busy], push: Bool = true) -> WorkStream {
        WorkStream(
            name: name, channelType: .chat, channels: ["web"], capacity: capacity, persistentChat: false,
            autoCloseAfterInactivity: nil, distribution: push ? .push : .pick, allowedPresences: allowed,
            selectFromPush: false, agentAffinity: false, wrapUpCapacity: .always, contextVariables: [],
            routingRules: [], fallbackQueue: "q")
    }

    static func queue(
        _ name: String = "q", agents: [String], assignment: AssignmentMethod = .roundRobin, priority: Int = 0,
        timeout: Duration = .seconds(60), maxDeclines: Int = 3
    ) -> QueueDefinition {
        QueueDefinition(
            name: name, priority: priority, agents: agents, assignment: assignment, offerTimeout: timeout,
            maxDeclines: maxDeclines)
    }

    /// Sets agents as presence knows them and loads them as a snapshot.
    mutating func agents(_ list: [(String, BasePresence, Int)]) {
        for (id, base, total) in list {
            presence[id] = AgentStatus(agentID: id, basePresence: base, capacityTotal: total, capacityUsed: 0)
        }
        send(.agentsSnapshot(presence.values.map { var s = $0; s.sequence = sequence; return s }))
    }

    mutating func setPresence(_ agentID: String, _ base: BasePresence) {
        presence[agentID]?.basePresence = base
        publish(agentID)
    }

    mutating func arrive(_ id: String, queue: String = "q", stream: String = "chat") {
        send(.conversationArrived(conversationID: id, queue: queue, workStream: stream, sequence: 1))
    }

    mutating func reply(_ conversationID: String, accept: Bool) {
        guard let offer = openOffers[conversationID] else {
            Issue.record("no open offer for \(conversationID)")
            return
        }
        send(.offerReplied(offerID: offer.offerID, agentID: offer.agentID, accepted: accept))
    }

    mutating func advance(to ms: Int64) {
        nowMs = ms
        send(.clockAdvanced)
    }

    /// The agents Reserve was asked for, in order.
    var reservedAgents: [String] {
        log.compactMap { if case .reserve(let request) = $0 { request.reservation.agentID } else { nil } }
    }

    var offeredAgents: [String] {
        log.compactMap { if case .sendOffer(let offer) = $0 { offer.agentID } else { nil } }
    }

    mutating func send(_ event: DistributionEvent) {
        let step = core.handle(event, nowMs: nowMs)
        for record in step.changed {
            #expect(core.conversations[record.id] == record, "changed records are the current ones")
        }
        checkInvariants()
        for action in step.actions { perform(action) }
    }

    mutating func publish(_ agentID: String) {
        sequence += 1
        presence[agentID]?.sequence = sequence
        if let status = presence[agentID] { send(.agentUpdated(status)) }
    }

    mutating func answer(_ request: ReserveRequest, grant: Bool? = nil) {
        let units = request.reservation.units
        guard var agent = presence[request.reservation.agentID] else { return }
        let allowed = request.allowedPresences.contains(agent.basePresence)
            && agent.capacityTotal - agent.capacityUsed >= units
        if grant ?? allowed {
            agent.capacityUsed += units
            sequence += 1
            agent.sequence = sequence
            presence[agent.agentID] = agent
            held[request.reservation.id] = (request.reservation, request.conversationID)
            send(.reservationGranted(reservationID: request.reservation.id, sequence: sequence))
            send(.agentUpdated(agent))
        } else {
            send(.reservationDenied(reservationID: request.reservation.id))
        }
    }

    private mutating func perform(_ action: DistributionAction) {
        log.append(action)
        switch action {
        case .reserve(let request):
            // G3: the core reserves only where its view allows it.
            let agent = core.agents[request.reservation.agentID]
            #expect(agent.map { request.allowedPresences.contains($0.basePresence) } == true, "G3 presence")
            if autoAnswerReserves { answer(request) } else { pendingReserves.append(request) }
        case .sendOffer(let offer):
            // G3: an offer only stands on granted capacity, to an agent in an allowed presence.
            #expect(held[offer.reservationID] != nil, "offer without a granted reservation")
            openOffers[offer.conversationID] = offer
        case .release(let reservation, _):
            if held.removeValue(forKey: reservation.id) != nil {
                presence[reservation.agentID]?.capacityUsed -= reservation.units
                publish(reservation.agentID)
            }
        case .withdrawOffer(_, _, let conversationID):
            openOffers[conversationID] = nil
        case .answerOfferReply(let offerID, _):
            openOffers = openOffers.filter { $0.value.offerID != offerID }
        default:
            break
        }
    }

    func checkInvariants() {
        var activeUnits = [String: Int]()
        for record in core.conversations.values {
            switch record.state {
            case .active:
                // G2: one agent, holding its reservation, no second offer in flight.
                #expect(record.agentID != nil && record.held?.agentID == record.agentID, "G2 \(record.id)")
                #expect(record.pending == nil, "G2: no offer for an Active conversation")
                activeUnits[record.agentID ?? "", default: 0] += record.held?.units ?? 0
            case .open:
                #expect(record.agentID == nil && record.held == nil)
            default:
                break
            }
        }
        // G2 across presence: at most one reservation per conversation.
        let perConversation = Dictionary(grouping: held.values, by: \.conversationID)
        #expect(perConversation.values.allSatisfy { $0.count <= 1 }, "G2: two reservations for one conversation")
        // D6 / G3: push never takes an agent above capacity.
        for agent in presence.values {
            #expect(agent.capacityUsed <= agent.capacityTotal, "G3: \(agent.agentID) above capacity")
            #expect(activeUnits[agent.agentID, default: 0] <= agent.capacityTotal, "D6 \(agent.agentID)")
            // G3 in the core's own view: its reservations never exceed what it saw free.
            #expect((core.freeUnits(of: agent.agentID) ?? 0) >= 0, "G3: core overbooked \(agent.agentID)")
        }
    }
}
