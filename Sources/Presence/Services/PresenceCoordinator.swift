import Foundation
import JSONText
import Logging
import Storage
import SwitchboardCore
import Wire
import ZeroMQ

/// The single arbiter of agent presence and capacity (P1, D6, D7, G3) and the relay between
/// agents' sessions and distributors (wire.md 5.4–5.6, agent.md). Every change goes through
/// the state machine, is committed to the store (group commit), and only then answered and
/// published, in sequence order.
public actor PresenceCoordinator {
    struct StandingOffer {
        let offer: Offer
        let peer: DistributorPeer
        var replied = false
    }

    /// Who holds a conversation as far as presence knows, and which distributor owns it.
    struct ConversationRoute {
        let agentID: String
        let peer: DistributorPeer
        let queue: String?
    }

    struct PendingReply {
        let agentID: String
        let offerID: String
        let conversationID: String
        let decision: OfferDecision
    }

    struct PendingAction {
        let agentID: String
        let requestID: String?
        let name: String
        let kind: AgentAction.Kind
        let peer: DistributorPeer
        let queue: String?
        let action: AgentAction
        /// Sent without a route (decisions §23): the distributors still to ask when `peer`
        /// answers that it has no such conversation.
        var asking = false
        var untried: [DistributorPeer] = []
    }

    struct Session {
        let id: UInt64
        let continuation: AsyncStream<AgentOutbound>.Continuation
        /// The client answers every customer message with `received` (agent.md).
        let receipts: Bool
    }

    private(set) var machine: PresenceStateMachine
    private let store: ReservationStore
    let configuration: SwitchboardConfiguration
    private let credentials: AgentCredentials
    private let outlets: PresenceOutlets
    let ids: MessageIDGenerator
    let logger: Logger
    private let metrics = PresenceMetrics()
    private let now: @Sendable () -> Int64
    /// The process's loop, whose executor the coordinator shares with presence's links: its
    /// calls to them run in place instead of as a job each way (decisions §45). Without one
    /// (tests, the fuzzer) it keeps an executor of its own.
    private let loop: ZeroMQEventLoop?
    private let ownExecutor = ExecutorOfItsOwn()
    public nonisolated var unownedExecutor: UnownedSerialExecutor {
        loop?.actorExecutor.asUnownedSerialExecutor() ?? ownExecutor.unownedExecutor
    }

    private var sessions: [String: Session] = [:]
    /// Customer messages written to each agent's socket in the last `replayWindowMs`: a write
    /// the kernel took just before the connection closed may never have reached the agent,
    /// so the agent's next session gets them again (it deduplicates on conversation and
    /// sequence, agent.md). Found by `switchboard chaos` with agent disconnects on.
    private var recentlyRelayed: [String: [(atMs: Int64, frame: JSONValue)]] = [:]
    /// What a closed session's agent gets again when it logs back in.
    private var replayOnReconnect: [String: [JSONValue]] = [:]
    static let replayWindowMs: Int64 = 5_000
    /// Customer messages that arrived while their agent was not connected, in arrival order:
    /// written (and only then acknowledged) right after the agent's next `welcome`. Left to
    /// the distributor's resend alone, a message could wait out a back-off of up to 30 s, or
    /// miss an agent who reconnects and drops again between two resends (found by
    /// `switchboard chaos` with agent disconnects on). Unacknowledged until written, so a
    /// restart of presence loses nothing: the distributor still resends.
    private var heldForAgent: [String: [HeldMessage]] = [:]
    /// Customer messages written to a session that sends receipts, waiting for the agent's
    /// `received`: acknowledged to the distributor only then, and held for the next session
    /// when this one ends without it (an agent-level receipt, not a socket write).
    private var awaitingReceipt: [String: [HeldMessage]] = [:]
    /// Answers to an agent's requests that came while it was not connected (`send`).
    /// Also in the store, so they outlive a restart of presence.
    private var answersForAbsentAgent: [String: [(atMs: Int64, frame: JSONValue)]] = [:]
    static let answersPerAbsentAgent = ReservationStore.keptAnswersPerAgent
    static let answerLifetimeMs = ReservationStore.keptAnswerLifetimeMs
    static let heldMessagesPerAgent = 1_000
    static let heldMessageLifetimeMs: Int64 = 600_000

    struct HeldMessage {
        let id: MessageID
        let conversationID: String
        let sequence: UInt64
        let peer: DistributorPeer
        let frame: JSONValue
        let atMs: Int64
        let agentID: String
        /// False for a message an accepted offer carried: the accept was its receipt for the
        /// distributor, so the agent's `received` answers nobody (decisions §57).
        var answersDistributor = true
    }
    private var nextSessionID: UInt64 = 0
    private var offers: [String: StandingOffer] = [:]
    private var conversations: [String: ConversationRoute] = [:]
    /// Learned from traffic: distributors do not register with presence (wire.md 5.4).
    private var queueOwners: [String: DistributorPeer] = [:]
    private var pendingReplies: [MessageID: PendingReply] = [:]
    private var pendingActions: [MessageID: PendingAction] = [:]
    private var pendingAgentReplies: [MessageID: PendingAgentReply] = [:]
    /// HTTP requests waiting for the frame that answers them, by request id.
    var httpWaiters: [String: CheckedContinuation<JSONValue?, Never>] = [:]
    var earlyHTTPAnswers: [String: JSONValue] = [:]
    /// Open work items by queue, then conversation id (D2, D3).
    var workItems: [String: [String: WorkItem]] = [:]
    /// Updates committed or waiting for their commit, published strictly in order.
    private var publishQueue: [(ticket: ReservationStore.Ticket, change: PresenceChange)] = []
    private var publishing = false
    public private(set) var lastPublishedSequence: UInt64
    /// The sequence stored for a restart to go on above: written only when a change passes
    /// it, then `sequenceBlock` ahead (decisions §50), so a commit does not rewrite the
    /// sequence's page every time. Every change stored or published is at or below it.
    private var storedSequenceMark: UInt64
    static let sequenceBlock: UInt64 = 1_024

    /// Loads the store's reservations, chosen presences and sequence (a restart keeps capacity).
    public init(
        configuration: SwitchboardConfiguration, store: ReservationStore, credentials: AgentCredentials,
        outlets: PresenceOutlets, ids: MessageIDGenerator, logger: Logger, loop: ZeroMQEventLoop? = nil,
        now: @escaping @Sendable () -> Int64 = AgentTime.nowMs
    ) throws(StorageError) {
        let restored = try store.load()
        let machine = PresenceStateMachine(
            agents: configuration.agents, customPresences: configuration.customPresences,
            gracePeriod: configuration.system.agentDisconnectGracePeriod, restored: restored, nowMs: now())
        for orphan in machine.discardedReservations {
            logger.warning(
                "dropping a stored reservation of an agent no longer configured",
                metadata: ["agent.id": "\(orphan.agentID)", "reservation.id": "\(orphan.id)"])
        }
        self.machine = machine
        self.store = store
        self.configuration = configuration
        self.credentials = credentials
        self.outlets = outlets
        self.ids = ids
        self.logger = logger
        self.now = now
        self.loop = loop
        self.lastPublishedSequence = restored.lastSequence
        self.storedSequenceMark = restored.lastSequence
        conversations = Self.routes(of: restored.reservations, configuration: configuration)
        answersForAbsentAgent = Self.answers(try store.keptAnswers(), logger: logger)
    }

    /// Answers kept for absent agents, back from the store; one whose text does not read back
    /// (written by a newer build) is skipped.
    static func answers(_ kept: [ReservationStore.KeptAnswer], logger: Logger) -> [String: [(atMs: Int64, frame: JSONValue)]] {
        var answers: [String: [(atMs: Int64, frame: JSONValue)]] = [:]
        for answer in kept {
            guard let frame = try? JSONReader.read(answer.frame) else {
                logger.warning("a kept answer cannot be read back; dropped", metadata: ["agent.id": "\(answer.agentID)"])
                continue
            }
            answers[answer.agentID, default: []].append((answer.atMs, frame))
        }
        return answers
    }

    /// After a restart, who holds which conversation comes back from the stored reservations
    /// (with their queue's configured owner), so agents can still wrap up and close what they
    /// held (found by `switchboard chaos`: their actions were refused `notYourConversation`,
    /// keeping the capacity taken for good). The distributor still checks every action.
    static func routes(of reservations: [CapacityReservation], configuration: SwitchboardConfiguration) -> [String: ConversationRoute] {
        var routes: [String: ConversationRoute] = [:]
        for reservation in reservations {
            guard let queue = reservation.queue, let owner = configuration.processes.distributor(forQueue: queue) else { continue }
            routes[reservation.conversationID] = ConversationRoute(
                agentID: reservation.agentID, peer: DistributorPeer(distributorName: owner.name), queue: queue)
        }
        return routes
    }

    // MARK: reading

    public func state(of agentID: String) -> AgentPresence? { machine.state(of: agentID) }
    public var agents: [AgentPresence] { machine.allAgents }
    public var lastSequence: UInt64 { machine.lastSequence }
    public var storeError: StorageError? { store.lastError }

    /// The agent-state JSON of agent.md section 2.
    func agentJSON(_ state: AgentPresence) -> JSONValue { AgentFrames.agent(state, name: name(of: state.agentID)) }

    // MARK: agent sessions (agent.md)

    /// Constant-time check of an agent's secret (counts failures).
    public nonisolated func authenticate(agentID: String, secret: String) -> Bool {
        let ok = credentials.authenticate(agentID: agentID, secret: secret)
        if !ok { metrics.authFailures.increment() }
        return ok
    }

    /// Starts an authenticated session: replaces an older one, marks the agent connected,
    /// applies the hello's presence and queues `welcome` (plus an error for a bad presence).
    public func openSession(agentID: String, presence: String?, requestID: String? = nil, receipts: Bool = false) async -> AgentSession {
        let (stream, continuation) = AsyncStream.makeStream(of: AgentOutbound.self)
        nextSessionID += 1
        let session = Session(id: nextSessionID, continuation: continuation, receipts: receipts)
        if let old = sessions.updateValue(session, forKey: agentID) {
            old.continuation.yield(.frame(AgentProtocolError("replaced", "a newer session of this agent logged in").frame(requestID: nil)))
            old.continuation.yield(.close(reason: "replaced"))
            old.continuation.finish()
            // The old connection may be gone already (the agent reconnected before presence
            // saw it close): what it was written last may never have been read.
            keepForReplay(agentID, closedAtMs: now())
        }
        holdUnreceipted(of: agentID)
        metrics.connectedAgents.record(sessions.count)
        var changes: [PresenceChange] = []
        var presenceError: AgentProtocolError?
        // The chosen presence first, so no update shows the agent connected in its old presence.
        if let presence {
            do {
                if let change = try machine.choosePresence(agentID, presence, nowMs: now()) { changes.append(change) }
            } catch {
                presenceError = AgentProtocolError("unknownPresence", "no presence named \"\(presence)\"")
            }
        }
        if let change = machine.connect(agentID, nowMs: now()) { changes.append(change) }
        if let state = machine.state(of: agentID) {
            let standing = offers.values.filter { $0.offer.agentID == agentID && !$0.replied }.map(\.offer)
                .sorted { $0.offerID < $1.offerID }
            continuation.yield(.frame(AgentFrames.welcome(state, name: name(of: agentID), choices: machine.presenceChoices, offers: standing)))
            for frame in workItemFrames(for: agentID) { continuation.yield(.frame(frame)) }
        }
        for frame in replayOnReconnect.removeValue(forKey: agentID) ?? [] { continuation.yield(.frame(frame)) }
        let answersSince = now() - Self.answerLifetimeMs
        if let kept = answersForAbsentAgent.removeValue(forKey: agentID) {
            for answer in kept where answer.atMs >= answersSince { continuation.yield(.frame(answer.frame)) }
            // Forgotten in the store too (committed with this session's own changes below).
            store.enqueue(ReservationStore.Batch(answersDelivered: [agentID]))
        }
        // Not one the conversation has since gone to another agent with.
        for held in heldForAgent.removeValue(forKey: agentID) ?? [] where conversations[held.conversationID]?.agentID == agentID {
            relay(held)
        }
        if let presenceError { continuation.yield(.frame(presenceError.frame(requestID: requestID))) }
        logger.info("agent connected", metadata: ["agent.id": "\(agentID)"])
        await record(changes)
        return AgentSession(agentID: agentID, id: session.id, outbound: stream)
    }

    /// The session's socket ended. Only the current session disconnects the agent (D7).
    public func closeSession(agentID: String, sessionID: UInt64) async {
        guard let session = sessions[agentID], session.id == sessionID else { return }
        sessions[agentID] = nil
        keepForReplay(agentID, closedAtMs: now())
        holdUnreceipted(of: agentID)
        session.continuation.finish()
        metrics.connectedAgents.record(sessions.count)
        logger.info("agent disconnected", metadata: ["agent.id": "\(agentID)"])
        await record([machine.disconnect(agentID, nowMs: now())].compactMap { $0 })
    }

    /// Runs one command of an authenticated agent (G5: only as itself). Returns the agent's
    /// state for presence changes, nil for commands answered later (offerReplied, actionResult).
    @discardableResult
    public func perform(_ command: AgentCommand, agentID: String, requestID: String? = nil) async throws(AgentProtocolError) -> AgentPresence? {
        switch command {
        case .setPresence(let presence):
            let change: PresenceChange?
            do {
                change = try machine.choosePresence(agentID, presence, nowMs: now())
            } catch {
                throw AgentProtocolError("unknownPresence", "no presence named \"\(presence)\"")
            }
            if let change {
                await record([change])
            } else if let state = machine.state(of: agentID) {
                // Unchanged: still answer with the state so the client knows it took.
                send(AgentFrames.presence(state, name: name(of: agentID)), to: agentID)
            }
            return machine.state(of: agentID)
        case .reply(let offerID, let decision):
            try await reply(offerID: offerID, decision: decision, agentID: agentID)
            return nil
        case .action(let request):
            try await act(request, agentID: agentID, requestID: requestID)
            return nil
        case .sendReply(let request):
            try await sendReply(request, agentID: agentID, requestID: requestID)
            return nil
        case .received(let conversationID, let sequence):
            await receiptArrived(agentID: agentID, conversationID: conversationID, sequence: sequence)
            return nil
        }
    }

    // MARK: helpers for the extensions

    func route(of conversationID: String) -> ConversationRoute? { conversations[conversationID] }
    func isConnected(_ agentID: String) -> Bool { sessions[agentID] != nil }
    func noteQueueOwner(_ queue: String, _ peer: DistributorPeer) { queueOwners[queue] = peer }
    func learnedOwner(of queue: String) -> DistributorPeer? { queueOwners[queue] }
    func nowMs() -> Int64 { now() }
    func rememberReply(_ id: MessageID, _ pending: PendingAgentReply) { pendingAgentReplies[id] = pending }
    @discardableResult
    func forgetReply(_ id: MessageID) -> PendingAgentReply? { pendingAgentReplies.removeValue(forKey: id) }
    func sendReliably(_ envelope: Envelope, to peer: DistributorPeer) async throws { try await outlets.sendReliably(envelope, peer) }

    private func reply(offerID: String, decision: OfferDecision, agentID: String) async throws(AgentProtocolError) {
        guard var standing = offers[offerID], standing.offer.agentID == agentID, !standing.replied else {
            throw AgentProtocolError("unknownOffer", "no standing offer \(offerID) for this agent")
        }
        standing.replied = true
        offers[offerID] = standing
        let offer = standing.offer
        let envelope = Envelope(
            id: ids.next(),
            message: .offerReply(
                OfferReply(
                    offerID: offerID, agentID: agentID, conversationID: offer.conversationID, decision: decision, decidedAtMs: now(),
                    // The offer's frame carried these; replying to it, the agent has them (decisions §57).
                    messagesThrough: offer.messages.last?.sequence ?? 0)))
        pendingReplies[envelope.id] = PendingReply(agentID: agentID, offerID: offerID, conversationID: offer.conversationID, decision: decision)
        do {
            try await outlets.sendReliably(envelope, standing.peer)
        } catch {
            pendingReplies[envelope.id] = nil
            if offers[offerID] != nil { offers[offerID]?.replied = false }
            throw Self.distributorUnreachable("offer")
        }
    }

    private func act(_ request: AgentActionRequest, agentID: String, requestID: String?) async throws(AgentProtocolError) {
        let peer: DistributorPeer
        let queue: String?
        var untried: [DistributorPeer] = []
        var asking = false
        if case .pick = request.kind {
            guard let pickQueue = request.queue, configuration.queueNames(ofAgent: agentID).contains(pickQueue) else {
                throw AgentProtocolError("notYourQueue", "not a member of queue \(request.queue ?? "")")
            }
            // Learned from traffic, else the configured owner: distributors use their name as routing id.
            let configured = configuration.processes.distributor(forQueue: pickQueue).map { DistributorPeer(distributorName: $0.name) }
            guard let owner = queueOwners[pickQueue] ?? configured else {
                throw AgentProtocolError("unavailable", "no distributor owns queue \(pickQueue)")
            }
            peer = owner
            queue = pickQueue
        } else {
            let destination = try destination(ofConversation: request.conversationID, agentID: agentID)
            (peer, queue, untried) = (destination.peer, destination.route?.queue, destination.untried)
            asking = destination.route == nil
        }
        let id = ids.next()
        // The client's id when it gave one, so its resends (after a reconnect, or a restart of
        // presence) are one action at the distributor (decisions §34); else this message's.
        let action = AgentAction(
            actionID: request.clientActionID.map(Self.clientActionID) ?? id.description, agentID: agentID,
            conversationID: request.conversationID, kind: request.kind, queue: queue, note: request.note, requestedAtMs: now(),
            releasesInResult: true)
        let pending = PendingAction(
            agentID: agentID, requestID: requestID, name: request.name, kind: request.kind, peer: peer, queue: queue, action: action,
            asking: asking, untried: untried)
        guard await dispatch(pending, id: id) else {
            throw Self.distributorUnreachable("conversation")
        }
    }

    /// Action ids presence makes are hex message ids; a client's is marked, so the two never meet.
    static func clientActionID(_ id: String) -> String { "client:" + id }

    /// Sends the pending action again, under a new message id, to the next distributor to
    /// ask. The action keeps its id: it is the same action, wherever it is asked (§34).
    private func ask(_ peer: DistributorPeer, _ previous: PendingAction) async {
        let id = ids.next()
        let pending = PendingAction(
            agentID: previous.agentID, requestID: previous.requestID, name: previous.name, kind: previous.kind, peer: peer,
            queue: previous.queue, action: previous.action, asking: true, untried: previous.untried)
        if !(await dispatch(pending, id: id)) {
            let error = Self.distributorUnreachable("conversation")
            send(error.frame(requestID: previous.requestID), to: previous.agentID)
        }
    }

    /// Sends an action, resent until its result; false (and forgotten) when it cannot be sent.
    private func dispatch(_ pending: PendingAction, id: MessageID) async -> Bool {
        pendingActions[id] = pending
        do {
            try await outlets.sendReliably(Envelope(id: id, message: .agentAction(pending.action)), pending.peer)
            return true
        } catch {
            pendingActions[id] = nil
            return false
        }
    }

    // MARK: distributor traffic (wire.md 5.4–5.6)

    /// One inbound message from a distributor's DEALER.
    public func handle(_ envelope: Envelope, from peer: DistributorPeer) async {
        switch envelope.message {
        case .reserve(let reserve): await handleReserve(reserve, id: envelope.id, peer: peer)
        case .release(let release): await handleRelease(release, id: envelope.id, peer: peer)
        case .snapshotRequest(let request): await handleSnapshot(request, id: envelope.id, peer: peer)
        case .offer(let offer): await handleOffer(offer, id: envelope.id, peer: peer)
        case .offerWithdrawn(let withdrawn): await handleWithdrawn(withdrawn, id: envelope.id, peer: peer)
        case .conversationMessage(let message): await handleMessage(message, id: envelope.id, peer: peer)
        case .ack(let ack): handleAck(ack)
        case .agentActionResult(let result): await handleActionResult(result)
        case .agentReplyAck(let ack): await handleReplyAck(ack)
        case .workItems(let change): await handleWorkItems(change, id: envelope.id, peer: peer)
        case .heartbeat, .disconnect:
            break  // the link handles liveness
        default:
            logger.warning("unexpected message on the presence request socket", metadata: ["message.type": "\(envelope.type)", "peer": "\(peer)"])
        }
    }

    private func handleReserve(_ reserve: Reserve, id: MessageID, peer: DistributorPeer) async {
        if let queue = reserve.queue { queueOwners[queue] = peer }
        let request = CapacityRequest(
            reservationID: reserve.reservationID, agentID: reserve.agentID, conversationID: reserve.conversationID,
            units: Int(reserve.units), reason: WireMapping.core(reserve.reason), queue: reserve.queue,
            allowedPresences: Set(reserve.allowedPresences.map(WireMapping.core)))
        let answer: WireMessage
        switch machine.reserve(request, nowMs: now()) {
        case .granted(let reservation, let change):
            metrics.granted(reservation.reason)
            if reservation.overCapacity {
                logger.notice(
                    "reservation above capacity", metadata: ["agent.id": "\(reservation.agentID)", "conversation.id": "\(reservation.conversationID)", "reason": "\(reservation.reason.rawValue)"])
            }
            guard await persist([change], granted: [reservation]) else {  // not stored: no Grant; the resend retries
                await drainPublishQueue()
                return
            }
            // The offer is what the conversation waits for, so it goes to the agent's socket
            // before the Grant and the agent updates (decisions §48): the yield lets the
            // session's writer take the frame before this job sends on.
            let offered = offerGranted(reserve, peer: peer)
            if offered { await Task.yield() }
            await answerPeer(.grant(grant(reservation, state: change.agent, requestID: id, sequence: change.sequence, offered: offered)), peer)
            await drainPublishQueue()
            return
        case .alreadyGranted(let reservation, let state, let sequence):
            let offered = offerGranted(reserve, peer: peer)
            answer = .grant(grant(reservation, state: state, requestID: id, sequence: sequence, offered: offered))
        case .denied(let denial):
            metrics.denied(denial)
            let (reason, detail) = WireMapping.denyReason(denial)
            answer = .deny(Deny(requestID: id, reservationID: reserve.reservationID, reason: reason, detail: detail))
        }
        await answerPeer(answer, peer)
    }

    private func grant(
        _ reservation: CapacityReservation, state: AgentPresence, requestID: MessageID, sequence: UInt64, offered: Bool
    ) -> Grant {
        Grant(
            requestID: requestID, reservationID: reservation.id, agentID: reservation.agentID, conversationID: reservation.conversationID,
            units: UInt32(clamping: reservation.units), capacityTotal: UInt32(clamping: state.capacityTotal),
            capacityUsed: UInt32(clamping: state.capacityUsed), overCapacity: reservation.overCapacity, sequence: sequence,
            offered: offered)
    }

    /// Makes the offer a granted Reserve carries (decisions §26): whether the agent has it now
    /// (or had it already). Not made, and the distributor sends an Offer after the Grant, when
    /// the offer is not for this reservation's agent and conversation, has already expired
    /// (a Reserve resent long after), or the agent's session is not there.
    private func offerGranted(_ reserve: Reserve, peer: DistributorPeer) -> Bool {
        guard let offer = reserve.offer, offer.agentID == reserve.agentID, offer.conversationID == reserve.conversationID,
            offer.reservationID == nil || offer.reservationID == reserve.reservationID, offer.expiresAtMs > now()
        else { return false }
        switch makeOffer(offer, peer: peer) {
        case .accepted, .duplicate: return true  // a duplicate stands already
        case .rejected: return false
        }
    }

    /// Releases reservations and stores the changes; false when the store failed.
    func releaseReservations(_ reservationIDs: [String]) async -> Bool {
        let nowMs = now()
        var changes: [PresenceChange] = []
        var released: [String] = []
        for reservationID in reservationIDs {
            let outcome = machine.release(reservationID, nowMs: nowMs)
            guard let change = outcome.change else { continue }
            changes.append(change)
            released.append(reservationID)
        }
        return await record(changes, released: released)
    }

    private func handleRelease(_ release: Release, id: MessageID, peer: DistributorPeer) async {
        let outcome = machine.release(release.reservationID, nowMs: now())
        if let change = outcome.change {
            guard await record([change], released: [release.reservationID]) else { return }
        }
        await answerPeer(
            .releaseAck(ReleaseAck(ackedID: id, reservationID: release.reservationID, wasHeld: outcome.wasHeld, capacityUsed: UInt32(clamping: outcome.capacityUsed))),
            peer)
    }

    /// Clone (wire.md 5.5): the current state, at the last sequence it includes.
    private func handleSnapshot(_ request: SnapshotRequest, id: MessageID, peer: DistributorPeer) async {
        let sequence = machine.lastSequence
        let states = machine.allAgents.filter { agent in request.agentIDPrefix.map { agent.agentID.hasPrefix($0) } ?? true }.map(WireMapping.agentState)
        let chunkSize = 500
        let chunks = stride(from: 0, to: max(states.count, 1), by: chunkSize).map { Array(states[$0..<min($0 + chunkSize, states.count)]) }
        for (index, chunk) in chunks.enumerated() {
            await answerPeer(
                .snapshotReply(SnapshotReply(requestID: id, sequence: sequence, agents: chunk, chunk: UInt32(index), isLastChunk: index == chunks.count - 1)),
                peer)
        }
    }

    private func handleOffer(_ offer: Offer, id: MessageID, peer: DistributorPeer) async {
        await answerPeer(.ack(Ack(ackedID: id, outcome: makeOffer(offer, peer: peer))), peer)
    }

    /// Writes `offer` to its agent and keeps it standing until replied to or withdrawn.
    private func makeOffer(_ offer: Offer, peer: DistributorPeer) -> AckOutcome {
        queueOwners[offer.queue] = peer
        if offers[offer.offerID] != nil { return .duplicate }
        if machine.state(of: offer.agentID) == nil { return .rejected(reason: "unknown agent") }
        if sessions[offer.agentID] == nil { return .rejected(reason: "agent not connected") }
        offers[offer.offerID] = StandingOffer(offer: offer, peer: peer)
        conversations[offer.conversationID] = ConversationRoute(agentID: offer.agentID, peer: peer, queue: offer.queue)
        send(AgentFrames.offer(offer), to: offer.agentID)
        metrics.offersRelayed.increment()
        return .accepted
    }

    private func handleWithdrawn(_ withdrawn: OfferWithdrawn, id: MessageID, peer: DistributorPeer) async {
        if let standing = offers.removeValue(forKey: withdrawn.offerID) {
            if conversations[standing.offer.conversationID]?.agentID == standing.offer.agentID {
                conversations[standing.offer.conversationID] = nil
            }
            send(
                AgentFrames.offerWithdrawn(offerID: withdrawn.offerID, conversationID: standing.offer.conversationID, reason: AgentFrames.withdrawReason(withdrawn.reason)),
                to: standing.offer.agentID)
            if withdrawn.reason == .expired, !standing.replied {
                await missedOffer(standing.offer)
            }
        }
        await answerPeer(.ack(Ack(ackedID: id, outcome: .accepted)), peer)
    }

    /// Q1 `onMissedOffer: away`: an agent who let an offer of that queue time out is set
    /// `away`, so push stops offering them until they choose a presence again (P1).
    private func missedOffer(_ offer: Offer) async {
        guard configuration.queue(named: offer.queue)?.onMissedOffer == .away else { return }
        do {
            if let change = try machine.choosePresence(offer.agentID, SwitchboardCore.BasePresence.away.rawValue, nowMs: now()) {
                logger.info("agent set away after a missed offer", metadata: ["agent.id": "\(offer.agentID)", "queue": "\(offer.queue)"])
                await record([change])
            }
        } catch {
            logger.error("cannot set a missed offer's agent away", metadata: ["agent.id": "\(offer.agentID)", "error": "\(error)"])
        }
    }

    /// M1. Not connected: held, unacknowledged, for the agent's next session.
    private func handleMessage(_ message: ConversationMessage, id: MessageID, peer: DistributorPeer) async {
        if let queue = message.queue { queueOwners[queue] = peer }
        conversations[message.conversationID] = ConversationRoute(agentID: message.agentID, peer: peer, queue: message.queue ?? conversations[message.conversationID]?.queue)
        let held = HeldMessage(
            id: id, conversationID: message.conversationID, sequence: message.sequence, peer: peer,
            frame: AgentFrames.message(message), atMs: now(), agentID: message.agentID)
        guard sessions[message.agentID] != nil else {
            hold(held)
            return
        }
        relay(held)
    }

    /// Writes a customer message to the agent's socket. A session with receipts acknowledges
    /// it on the agent's `received`; one without, once written (found by `switchboard chaos`:
    /// messages queued to a closing connection were acknowledged and lost), and gets what
    /// was written in its last seconds again on its next session.
    private func relay(_ message: HeldMessage) {
        let agentID = message.agentID
        if sessions[agentID]?.receipts == true {
            // A resend of one already written to this session is still on its way.
            guard awaitingReceipt[agentID]?.contains(where: { $0.id == message.id }) != true else { return }
            // Bounded like the held ones: a dropped one is unacknowledged, so it comes again.
            awaitingReceipt[agentID, default: []].append(message, keepingAtMost: Self.heldMessagesPerAgent)
            send(message.frame, to: agentID)
            return
        }
        let (id, peer, frame, loop) = (message.id, message.peer, message.frame, self.loop)
        let receipt = WriteReceipt { [weak self] in
            Task(executorPreference: loop) { await self?.answerPeer(.ack(Ack(ackedID: id, outcome: .accepted)), peer) }
        }
        send(frame, to: agentID, onWritten: message.answersDistributor ? receipt : nil)
        rememberForReplay(frame, of: agentID)
    }

    /// The messages an accepted offer carried, as the `offerReplied` repeats them: a delivery
    /// as much as `message` frames are, so a session that ends without having them (with
    /// receipts: without its `received` for each; without: within `replayWindowMs`) has
    /// its agent's next session get them as `message` frames. A repeated `offerReplied`
    /// would tell the agent the conversation was taken again (decisions §57).
    private func carriedDelivered(_ offer: Offer, peer: DistributorPeer, to agentID: String) -> [JSONValue] {
        let frames = offer.messages.map { AgentFrames.message(conversationID: offer.conversationID, sequence: $0.sequence, $0.message) }
        guard let session = sessions[agentID] else { return frames }  // kept as an answer for the next session
        for (carried, frame) in zip(offer.messages, frames) {
            if session.receipts {
                let awaited = HeldMessage(
                    id: ids.next(), conversationID: offer.conversationID, sequence: carried.sequence, peer: peer, frame: frame,
                    atMs: now(), agentID: agentID, answersDistributor: false)
                awaitingReceipt[agentID, default: []].append(awaited, keepingAtMost: Self.heldMessagesPerAgent)
            } else {
                rememberForReplay(frame, of: agentID)
            }
        }
        return frames
    }

    /// A frame whose loss would lose customer messages, written to a session that may be
    /// closing: written again on the agent's next session if this one ends within
    /// `replayWindowMs`.
    private func rememberForReplay(_ frame: JSONValue, of agentID: String) {
        // Changed in place: a copy taken out and written back would copy the list per message.
        let nowMs = now()
        recentlyRelayed[agentID, default: []].removeAll { $0.atMs < nowMs - Self.replayWindowMs }
        recentlyRelayed[agentID, default: []].append((nowMs, frame))
    }

    /// A resend of a held message replaces it in place (same id, same order). Bounded in
    /// count and age: what is dropped is still unacknowledged, so the distributor resends it.
    private func hold(_ message: HeldMessage) {
        var held = heldForAgent.removeValue(forKey: message.agentID) ?? []
        held.removeAll { $0.atMs < message.atMs - Self.heldMessageLifetimeMs }
        if let index = held.firstIndex(where: { $0.id == message.id }) {
            held[index] = message
        } else {
            held.append(message, keepingAtMost: Self.heldMessagesPerAgent)
        }
        heldForAgent[message.agentID] = held
    }

    /// The agent has the message: acknowledged to its distributor now.
    private func receiptArrived(agentID: String, conversationID: String, sequence: UInt64) async {
        guard let index = awaitingReceipt[agentID]?.firstIndex(where: { $0.conversationID == conversationID && $0.sequence == sequence }),
            let message = awaitingReceipt[agentID]?.remove(at: index)
        else { return }  // a repeat, or a message of a session that has ended: its resend will do
        if message.answersDistributor { await answerPeer(.ack(Ack(ackedID: message.id, outcome: .accepted)), message.peer) }
    }

    /// A session ends: what it was written without a receipt waits for the next one.
    private func holdUnreceipted(of agentID: String) {
        for message in awaitingReceipt.removeValue(forKey: agentID) ?? [] { hold(message) }
    }

    /// What was written to a session that has ended in the last `replayWindowMs` goes to
    /// the agent's next session again.
    private func keepForReplay(_ agentID: String, closedAtMs: Int64) {
        let unsure = (recentlyRelayed.removeValue(forKey: agentID) ?? []).filter { $0.atMs >= closedAtMs - Self.replayWindowMs }
        if !unsure.isEmpty { replayOnReconnect[agentID, default: []].append(contentsOf: unsure.map(\.frame)) }
    }

    private func handleAck(_ ack: Ack) {
        guard let pending = pendingReplies.removeValue(forKey: ack.ackedID) else { return }
        var frame: [String: JSONValue] = [
            "type": "offerReplied", "offerId": .string(pending.offerID), "conversationId": .string(pending.conversationID),
            "decision": pending.decision == .accept ? "accept" : "reject",
        ]
        let standing = offers.removeValue(forKey: pending.offerID)
        switch ack.outcome {
        case .accepted, .duplicate:
            frame["outcome"] = "accepted"
            if pending.decision == .reject, conversations[pending.conversationID]?.agentID == pending.agentID {
                conversations[pending.conversationID] = nil
            }
            // The accept was their receipt: repeated here, so a client that lost the offer
            // (a new session, this answer kept for it while away) has them (decisions §57).
            if pending.decision == .accept, let standing, !standing.offer.messages.isEmpty {
                frame["messages"] = .array(carriedDelivered(standing.offer, peer: standing.peer, to: pending.agentID))
            }
        case .rejected(let reason):
            frame["outcome"] = "rejected"
            frame["reason"] = .string(reason)
            if conversations[pending.conversationID]?.agentID == pending.agentID { conversations[pending.conversationID] = nil }
            if standing != nil {
                send(AgentFrames.offerWithdrawn(offerID: pending.offerID, conversationID: pending.conversationID, reason: "notStanding"), to: pending.agentID)
            }
        }
        send(.object(frame), to: pending.agentID)
    }

    private func handleActionResult(_ result: AgentActionResult) async {
        await relayActionResult(result)
        // The reservations the action gave back (decisions §58), released once the agent has
        // the answer: an offer that takes the capacity freed by a close must reach the agent
        // after the close's result, not while the commit below lets a Reserve in. Released
        // even for an action this run did not send (a result that outlived the run that
        // asked): releasing is idempotent. Not stored: the distributor's next list of held
        // reservations (after a restart of either) releases them.
        if !result.releases.isEmpty, !(await releaseReservations(result.releases.map(\.reservationID))) {
            logger.error("cannot store the releases of an action's result", metadata: ["conversation.id": "\(result.conversationID)"])
        }
    }

    private func relayActionResult(_ result: AgentActionResult) async {
        guard var pending = pendingActions.removeValue(forKey: result.actionMessageID) else { return }
        if result.outcome == .refused(.unknownConversation), let next = pending.untried.first {
            // Not this distributor's conversation: ask the next one (§23).
            pending.untried.removeFirst()
            await ask(next, pending)
            return
        }
        if pending.asking, case .refused(let refusal) = result.outcome, refusal == .unknownConversation || refusal == .notAllowed {
            // Nobody has it, or someone else holds it: what presence answers when it knows (§23).
            let error = Self.notYourConversation(result.conversationID)
            send(error.frame(requestID: pending.requestID), to: pending.agentID)
            return
        }
        if case .done = result.outcome {
            switch pending.kind {
            case .pick:
                conversations[result.conversationID] = ConversationRoute(agentID: pending.agentID, peer: pending.peer, queue: pending.queue)
            case .release, .close, .transferToQueue, .transferToAgent:
                conversations[result.conversationID] = nil
            case .hold, .wrapUp:
                // Found by asking (§23): remember who answered for the agent's next action.
                if conversations[result.conversationID] == nil {
                    conversations[result.conversationID] = ConversationRoute(agentID: pending.agentID, peer: pending.peer, queue: pending.queue)
                }
            }
        }
        send(AgentFrames.actionResult(result, action: pending.name, requestID: pending.requestID), to: pending.agentID)
    }

    // MARK: time

    /// Called about once a second: grace periods (D7) and forgotten offers.
    public func tick() async {
        let nowMs = now()
        let expired = machine.expireGracePeriods(nowMs: nowMs)
        for change in expired {
            logger.info("agent offline after the disconnect grace period", metadata: ["agent.id": "\(change.agent.agentID)"])
        }
        // The distributor owns expiry (wire.md 5.6); this only bounds memory.
        offers = offers.filter { $0.value.offer.expiresAtMs + 600_000 > nowMs }
        await record(expired)
    }

    // MARK: persistence and publication

    /// Persists changes (group commit) then publishes them in sequence order.
    /// False when the store failed: the caller must not answer as if it were recorded.
    @discardableResult
    private func record(_ changes: [PresenceChange], granted: [CapacityReservation] = [], released: [String] = []) async -> Bool {
        let stored = await persist(changes, granted: granted, released: released)
        await drainPublishQueue()
        return stored
    }

    /// Persists changes (group commit) and queues them for publication; the caller drains the
    /// queue (`drainPublishQueue`) once it has sent what must go first.
    private func persist(_ changes: [PresenceChange], granted: [CapacityReservation] = [], released: [String] = []) async -> Bool {
        guard !changes.isEmpty || !granted.isEmpty || !released.isEmpty else { return true }
        var presences: [String: String] = [:]
        for change in changes { presences[change.agent.agentID] = change.agent.chosenPresence }
        let ticket = store.enqueue(
            ReservationStore.Batch(granted: granted, released: released, chosenPresences: presences, lastSequence: sequenceMark(passedBy: changes)))
        publishQueue.append(contentsOf: changes.map { (ticket, $0) })
        var stored = true
        do {
            try await store.waitUntilCommitted(ticket)
        } catch {
            stored = false
            storedSequenceMark = 0  // perhaps not stored: the next change writes a mark again
            logger.error("cannot store a presence change", metadata: ["error": "\(error)"])
        }
        return stored
    }

    /// The new mark to store with `changes` when one of them passes the stored one; nil: the
    /// stored mark still covers them. The mark is written in the same commit as the change
    /// that passes it, so no update is published with a sequence a restart could reuse.
    private func sequenceMark(passedBy changes: [PresenceChange]) -> UInt64? {
        guard let last = changes.last?.sequence, last > storedSequenceMark else { return nil }
        storedSequenceMark = last + Self.sequenceBlock
        return storedSequenceMark
    }

    /// One drainer at a time publishes the committed front of the queue, so updates leave
    /// in sequence order even though commits resume their waiters in any order.
    private func drainPublishQueue() async {
        guard !publishing else { return }
        publishing = true
        defer { publishing = false }
        while let first = publishQueue.first, store.isCommitted(first.ticket) {
            publishQueue.removeFirst()
            let change = first.change
            send(AgentFrames.presence(change.agent, name: name(of: change.agent.agentID)), to: change.agent.agentID)
            do {
                try await outlets.publish(.agentUpdate(AgentUpdate(sequence: change.sequence, agent: WireMapping.agentState(change.agent))))
            } catch {
                // Subscribers repair a lost update through the heartbeat's last_sequence (wire.md 5.5).
                logger.warning("cannot publish an agent update", metadata: ["sequence": "\(change.sequence)", "error": "\(error)"])
            }
            lastPublishedSequence = max(lastPublishedSequence, change.sequence)
        }
    }

    func answerPeer(_ message: WireMessage, _ peer: DistributorPeer) async {
        do {
            try await outlets.send(Envelope(id: ids.next(), message: message), peer)
        } catch {
            // A lost answer is repaired by the distributor's resend (wire.md 4).
            logger.warning("cannot answer a distributor", metadata: ["peer": "\(peer)", "message.type": "\(message.type)", "error": "\(error)"])
        }
    }

    /// Queues `frame` for the agent's socket; `receipt` (if any) runs once it is written.
    func send(_ frame: JSONValue, to agentID: String, onWritten receipt: WriteReceipt? = nil) {
        if let session = sessions[agentID] {
            session.continuation.yield(receipt.map { .frameThen(frame, $0) } ?? .frame(frame))
        } else if Self.isAnswer(frame) {
            keepAnswer(frame, for: agentID)
        }
        offerToHTTPWaiter(frame)
    }

    /// The answer to something the agent asked for (agent.md): `replyResult`, `actionResult`,
    /// `offerReplied`. One that comes while the agent is not connected goes to its next
    /// session after `welcome`, so a client that reconnects learns how its request ended
    /// without resending it (a resend is still safe).
    static func isAnswer(_ frame: JSONValue) -> Bool {
        guard case .object(let fields) = frame, case .string(let type)? = fields["type"] else { return false }
        return type == "replyResult" || type == "actionResult" || type == "offerReplied"
    }

    /// Bounded (the oldest go first) and only for a while: an agent gone for good keeps nothing.
    /// Stored as well, not waited for: a restart before the commit loses the answer, as before
    /// (a client's resend with the same `clientMessageId` is answered again).
    private func keepAnswer(_ frame: JSONValue, for agentID: String) {
        let nowMs = now()
        answersForAbsentAgent[agentID, default: []].removeAll { $0.atMs < nowMs - Self.answerLifetimeMs }
        answersForAbsentAgent[agentID, default: []].append((nowMs, frame), keepingAtMost: Self.answersPerAbsentAgent)
        store.enqueue(ReservationStore.Batch(keptAnswers: [ReservationStore.KeptAnswer(agentID: agentID, atMs: nowMs, frame: frame.text)]))
    }

    private func name(of agentID: String) -> String { configuration.agent(id: agentID)?.name ?? agentID }
}

extension Array {
    /// Appends, first dropping the oldest elements so at most `limit` remain: the per-agent
    /// lists presence keeps for absent agents are bounded this way.
    mutating func append(_ element: Element, keepingAtMost limit: Int) {
        if count >= limit { removeFirst(count - limit + 1) }
        append(element)
    }
}
