import Foundation
import Logging
import Messaging
import ProcessRuntime
import ServiceLifecycle
import Storage
import SwitchboardCore
import Wire
import ZeroMQ

/// The router process's work (design.md, "Durability" step 2; wire.md 5.1–5.3):
///
/// Submit → dedupe (R3) → conversation (R1) → routing (W2/W3) → journal (group commit) →
/// `Deliver` to the distributor that owns the conversation's queue (resent until it answers
/// `DeliverAck`, which marks the delivery done), then `SubmitAck` (decisions §46).
///
/// Deliveries for a queue without a live owner stay pending in the journal; when a
/// distributor's `Ready` takes the queue, every pending delivery of it goes out in journal
/// order. That is also the recovery after a router restart: nothing is sent from memory that
/// is not in the journal.
///
/// Concurrency: Submits are handed to the journal in arrival order without waiting for the
/// commit (so they share commits); the journal reports outcomes in that same order into
/// `completions`, from which one loop acks and forwards, so a conversation's deliveries go out
/// in sequence order.
public actor RouterService: Service {
    public static let processName = "router"

    let configuration: SwitchboardConfiguration
    private let routing: RoutingTable
    let journal: JournalStore
    let ingressLink: RouterLink
    private let distributorLink: RouterLink
    let ids: MessageIDGenerator
    private let linkSettings: LinkSettings
    /// The process's ZeroMQ loop: also where the router's tasks and journal commits run.
    private let loop: ZeroMQEventLoop
    /// Isolated to the process's loop, like every actor of the process: their calls to each
    /// other run in place instead of as a job each way (decisions §45).
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.actorExecutor.asUnownedSerialExecutor() }
    let logger: Logger
    let metrics: RouterMetrics
    private let completions: AsyncStream<SubmitCompletion>
    private let completionSink: AsyncStream<SubmitCompletion>.Continuation

    var registry: QueueOwnershipRegistry<PeerID>
    /// Agent replies relayed to an adapter → the distributor waiting for their ack, and the
    /// adapter whose ack it waits for.
    var replyOrigins: [MessageID: (distributor: PeerID, adapter: PeerID)] = [:]
    private var pendingSenders = PendingDeliverySenders()
    /// The `Ready.instanceID` each distributor peer last registered with: a new one under the
    /// same routing id is a restarted process, which has none of what was in flight to the old.
    private var distributorInstances: [PeerID: String] = [:]
    private var linksBound = false
    /// When each unregistered peer was last told to send Ready: once per heartbeat interval
    /// is enough (after a restart every message of a busy distributor would bring one).
    private var toldToRegister: [PeerID: ContinuousClock.Instant] = [:]
    private var startFailure: RouterError?
    private var boundWaiters: [CheckedContinuation<Void, Never>] = []

    /// Opens the journal in `dataDirectory` and prepares both links (they bind in `run`).
    public init(
        configuration: SwitchboardConfiguration, dataDirectory: DataDirectory, endpoints: RouterEndpoints,
        loop: ZeroMQEventLoop, ids: MessageIDGenerator = MessageIDGenerator(), linkSettings: LinkSettings = .init(),
        logger: Logger
    ) throws(RouterError) {
        do {
            journal = try JournalStore(path: dataDirectory.storePath(JournalStore.fileName), commits: CommitSchedule(runWhenIdle: loop.runWhenIdle))
        } catch {
            throw RouterError(code: .journalUnavailable, message: "cannot open the journal in \(dataDirectory.url.path)", cause: error)
        }
        self.configuration = configuration
        self.routing = RoutingTable(configuration: configuration)
        self.metrics = RouterMetrics(workStreams: configuration.workStreams)
        self.ids = ids
        self.linkSettings = linkSettings
        self.loop = loop
        self.logger = logger
        self.registry = QueueOwnershipRegistry(configuredQueues: configuration.queues.map(\.name))
        ingressLink = RouterLink(name: "router.ingress", bindTo: endpoints.ingress, loop: loop, ids: ids, settings: linkSettings, logger: logger)
        distributorLink = RouterLink(
            name: "router.distributors", bindTo: endpoints.distributor, loop: loop, ids: ids, settings: linkSettings, logger: logger)
        (completions, completionSink) = AsyncStream.makeStream(of: SubmitCompletion.self)
    }

    // MARK: lifecycle

    public func run() async throws {
        do {
            metrics.setPending(try await journal.pendingDeliveryCount())
            try await ingressLink.start()
            try await distributorLink.start()
        } catch {
            let failure = error is StorageError
                ? RouterError(code: .journalUnavailable, message: "cannot read the journal", cause: error)
                : RouterError(code: .linkFailed, message: "router links failed to start", cause: error)
            startFailure = failure
            resumeBoundWaiters()
            await stopLinks()
            throw failure
        }
        linksBound = true
        resumeBoundWaiters()
        logger.info("router ready", metadata: ["deliveries.pending": "\(metrics.pendingDeliveries)"])

        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.receiveSubmits() }
                group.addTask { await self.finishSubmits() }
                group.addTask { await self.receiveFromDistributors() }
                group.addTask { await self.watchDistributors() }
                group.addTask { await self.sweepJournalPeriodically() }
            }
        }
        startFailure = RouterError(code: .linkFailed, message: "the router has stopped")
        await stopLinks()
        logger.info("router stopped")
    }

    private func stopLinks() async {
        linksBound = false
        completionSink.finish()
        await ingressLink.stop()
        await distributorLink.stop()
    }

    /// The endpoints actually bound (a `tcp://host:*` endpoint gets its port here); waits until
    /// `run` has bound them.
    public func boundEndpoints() async throws -> RouterEndpoints {
        if !linksBound, startFailure == nil {
            // Checked again where the waiter is registered: the await may suspend first.
            await withCheckedContinuation { continuation in
                if linksBound || startFailure != nil { continuation.resume() } else { boundWaiters.append(continuation) }
            }
        }
        if let startFailure { throw startFailure }
        return RouterEndpoints(ingress: try await ingressLink.boundEndpoint(), distributor: try await distributorLink.boundEndpoint())
    }

    private func resumeBoundWaiters() {
        for waiter in boundWaiters { waiter.resume() }
        boundWaiters.removeAll()
    }

    /// `/healthz`: the journal answers and both links are bound.
    public func health() async -> HealthReport {
        let journalOK = await journal.isHealthy()
        let unowned = registry.unownedQueues
        return HealthReport(
            healthy: journalOK && linksBound,
            checks: [
                "journal": journalOK ? "ok" : "failing",
                "links": linksBound ? "bound" : "not bound",
                "queues.unowned": unowned.isEmpty ? "none" : unowned.joined(separator: ","),
                "deliveries.pending": "\(metrics.pendingDeliveries)",
            ])
    }

    /// `/status` (operators, I4): each queue's owner and what the journal holds for it.
    public func status() async -> OperatorStatus.Router {
        let alive = await distributorLink.alivePeers
        var owners: [String: QueueOwner] = [:]
        for queue in registry.configuredQueues {
            guard let peer = registry.owner(ofQueue: queue), let registration = registry.registration(of: peer) else { continue }
            owners[queue] = QueueOwner(distributor: registration.distributor, alive: alive.contains(peer))
        }
        let pending: Result<[String: Int], StorageError>
        do {
            pending = .success(try await journal.pendingDeliveryCountsByQueue())
        } catch {
            pending = .failure(error)
        }
        return OperatorStatus.Router(configuration: configuration, owners: owners, pending: pending)
    }

    // MARK: ingress: Submit → journal

    private func receiveSubmits() async {
        for await received in ingressLink.inbound {
            switch received.envelope.message {
            case .submit(let submit):
                await accept(submit, id: received.envelope.id, from: received.peer, frames: received.frames)
            case .agentReplyAck(let ack):
                await relay(ack, from: received.peer)
            case .disconnect(let disconnect):
                logger.info("ingress adapter disconnected", metadata: ["peer": "\(received.peer)", "sender": "\(disconnect.sender)"])
            default:
                logger.warning(
                    "unexpected message on the ingress link; dropped",
                    metadata: ["peer": "\(received.peer)", "type": "\(received.envelope.type.name)"])
            }
        }
    }

    /// Validates and routes one Submit, then hands it to the journal (no wait for the commit).
    private func accept(_ submit: Submit, id: MessageID, from peer: PeerID, frames: ArraySlice<[UInt8]>) async {
        let message = submit.message
        guard let channel = configuration.channel(id: message.channelInstanceID) else {
            await reject(id, from: peer, reason: "unknown channel instance '\(message.channelInstanceID)'")
            return
        }
        guard channel.type.rawValue == message.channelType else {
            await reject(id, from: peer, reason: "channel instance '\(channel.id)' is \(channel.type.rawValue), not \(message.channelType)")
            return
        }
        guard let rules = routing.rules(forWorkStream: channel.workStream) else {
            await reject(id, from: peer, reason: "channel instance '\(channel.id)' has no work stream")
            return
        }

        // Routed for every message; the decision is used only when the message opens a
        // conversation (a follow-up stays in its conversation's queue).
        let routed = rules.route(
            context: message.context.mapValues(RoutingValue.init),
            channelData: ChannelDataVariables.values(
                channelID: message.channelInstanceID, channelType: message.channelType,
                customerAddress: message.customerAddress, customerDisplayName: message.customerDisplayName,
                customerLocale: message.locale, raw: message.channelData))
        let context = routed.context.namedValues(layout: rules.layout).mapValues(ContextValue.init)
        // Stored as it arrived: encoding the decoded Submit again cost as much as decoding it.
        let payload = StoredEnvelope.received(frames)
        let deliveryID = ids.next()
        let nowMs = Self.nowMs()
        let conversationID = ConversationID.make(nowMs: nowMs)
        let pending = SubmitCompletion.Pending(peer: peer, submitID: id, workStream: rules.workStream, routing: routed)
        let sink = completionSink
        journal.enqueueInbound(
            JournalInbound(
                messageID: Data(id.bytes), channelInstance: message.channelInstanceID,
                providerMessageID: message.providerMessageID, customerKey: message.customerAddress,
                receivedAtMs: message.receivedAtMs, payload: payload),
            newConversation: JournalNewConversation(
                id: conversationID, workStream: rules.workStream, queue: routed.decision.queue,
                routingRule: routed.decision.ruleName),
            deliveryID: Data(deliveryID.bytes), nowMs: nowMs,
            makePayload: { draft in
                let deliver = Deliver(
                    conversationID: draft.conversationID, workStream: draft.workStream, queue: draft.queue,
                    kind: draft.kind == .newConversation ? .newConversation : .followUp, message: message,
                    context: context, conversationSequence: UInt64(max(draft.sequence, 0)), routingRule: draft.routingRule)
                return try StoredEnvelope.encode(Envelope(id: deliveryID, message: .deliver(deliver)))
            },
            completion: { outcome in sink.yield(SubmitCompletion(pending: pending, outcome: outcome)) })
    }

    private func reject(_ id: MessageID, from peer: PeerID, reason: String) async {
        metrics.rejectedSubmit()
        logger.warning("Submit rejected", metadata: ["message.id": "\(id)", "reason": "\(reason)"])
        await answerIngress(peer, .submitAck(SubmitAck(ackedID: id, outcome: .rejected(reason: reason))))
    }

    // MARK: journal outcome → SubmitAck, Deliver

    private func finishSubmits() async {
        for await completion in completions {
            await finish(completion)
        }
    }

    private func finish(_ completion: SubmitCompletion) async {
        let pending = completion.pending
        switch completion.outcome {
        case .failure(let error):
            // Not acknowledged: the adapter resends the same id, and the journal stays the truth.
            metrics.journalError()
            logger.error("journal write failed; Submit not acknowledged", metadata: ["message.id": "\(pending.submitID)", "error": "\(error)"])
        case .success(.duplicate(let conversationID)):
            metrics.duplicate()
            logger.debug("duplicate Submit", metadata: ["message.id": "\(pending.submitID)", "conversation.id": "\(conversationID)"])
            await answerIngress(pending.peer, .submitAck(SubmitAck(ackedID: pending.submitID, outcome: .duplicate, conversationID: conversationID)))
        case .success(.accepted(let conversation, let delivery, let isNew)):
            metrics.addPending(1)
            // The Deliver first: it is on the conversation's way to an agent, the SubmitAck is
            // not, and the adapter's work on the ack would compete with the distributor's on
            // the Deliver for this machine's cores (decisions §46).
            await send(delivery)
            await answerIngress(pending.peer, .submitAck(SubmitAck(ackedID: pending.submitID, outcome: .accepted, conversationID: conversation.id)))
            // Built only for a line that is written (a closure, not a value): five fields and
            // the ids' text for every conversation were 1 % of a router that logs at error.
            let metadata = { () -> Logger.Metadata in
                [
                    "conversation.id": .string(conversation.id), "queue": .string(conversation.queue),
                    "work_stream": .string(conversation.workStream), "message.id": "\(pending.submitID)",
                    "sequence": "\(delivery.sequence)",
                ]
            }
            if isNew {
                let decision = pending.routing.decision
                metrics.routed(workStream: pending.workStream, queue: decision.queue, fallback: decision.isFallback)
                metrics.ruleValueErrors(workStream: pending.workStream, count: pending.routing.context.issues.count)
                for issue in pending.routing.context.issues {
                    logger.warning("context value ignored for routing", metadata: ["conversation.id": "\(conversation.id)", "issue": "\(issue)"])
                }
                logger.info("conversation opened", metadata: metadata().merging(["rule": .string(decision.ruleName ?? "(fallback)")]) { $1 })
            } else {
                logger.debug("message joined conversation", metadata: metadata())
            }
        }
    }

    private func answerIngress(_ peer: PeerID, _ message: WireMessage) async {
        do {
            try await ingressLink.send(message, to: peer)
        } catch {
            // The adapter resends its Submit; the duplicate gets this answer again.
            logger.warning("cannot answer the ingress adapter", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// Sends a journal delivery to its queue's owner, if the queue has one now.
    func send(_ delivery: JournalDelivery) async {
        guard let owner = registry.owner(ofQueue: delivery.queue) else {
            logger.debug("queue has no distributor; delivery stays pending", metadata: ["queue": "\(delivery.queue)", "conversation.id": "\(delivery.conversationID)"])
            return
        }
        do {
            let stored = try StoredEnvelope.encoded(delivery.payload)
            // As stored, without decoding it: a transfer (D8) is the only change to a stored
            // delivery, and it always gives the delivery a new id.
            guard let id = MessageID(bytes: delivery.messageID), stored.id != id else {
                try await distributorLink.sendReliably(stored, to: owner)
                return
            }
            // Moved by a transfer: the stored Deliver names the old queue and id.
            var envelope = try StoredEnvelope.decode(delivery.payload)
            if case .deliver(var deliver) = envelope.message {
                deliver.queue = delivery.queue
                envelope = Envelope(id: id, message: .deliver(deliver))
            }
            try await distributorLink.sendReliably(envelope, to: owner)
        } catch {
            logger.error(
                "cannot send a delivery", metadata: ["queue": "\(delivery.queue)", "conversation.id": "\(delivery.conversationID)", "error": "\(error)"])
        }
    }

    // MARK: distributors: Ready, DeliverAck, liveness

    private func receiveFromDistributors() async {
        for await received in distributorLink.inbound {
            let (peer, envelope) = (received.peer, received.envelope)
            switch envelope.message {
            case .ready(let ready):
                await register(ready, id: envelope.id, from: peer)
            case .deliverAck(let ack):
                guard await isRegistered(peer, sending: envelope) else { continue }
                await acknowledged(ack, from: peer)
            case .conversationClosed(let closed):
                guard await isRegistered(peer, sending: envelope) else { continue }
                await close(closed, id: envelope.id, from: peer)
            case .agentReply(let reply):
                await relay(reply, envelope: envelope, from: peer)
            case .conversationTransferred(let transfer):
                guard await isRegistered(peer, sending: envelope) else { continue }
                await move(transfer, id: envelope.id, from: peer)
            case .disconnect(let disconnect):
                logger.info("distributor disconnected", metadata: ["peer": "\(peer)", "sender": "\(disconnect.sender)"])
                await peerGone(peer)
            default:
                logger.warning("unexpected message from a distributor; dropped", metadata: ["peer": "\(peer)", "type": "\(envelope.type.name)"])
                await disconnectIfUnregistered(peer)
            }
        }
    }

    private func register(_ ready: Ready, id: MessageID, from peer: PeerID) async {
        let decision = registry.ready(distributor: ready.distributor, queues: ready.queues, from: peer)
        let metadata: Logger.Metadata = ["peer": "\(peer)", "distributor": "\(ready.distributor)", "queues": "\(ready.queues.joined(separator: ","))"]
        switch decision {
        case .refused(let refusal):
            let answer: ReadyRefused
            switch refusal {
            case .unknownQueue(let queues):
                answer = ReadyRefused(readyID: id, reason: .unknownQueue, detail: "queues not in the configuration", conflictingQueues: queues)
            case .queueOwned(let queues, let owner):
                answer = ReadyRefused(
                    readyID: id, reason: .queueOwned, detail: "queues owned by a live distributor", conflictingQueues: queues, currentOwner: owner)
            }
            logger.warning("Ready refused", metadata: metadata.merging(["reason": "\(answer.reason)"]) { $1 })
            await answerDistributor(peer, .readyRefused(answer))
        case .accepted(let queues, let replaced, _):
            if let replaced {
                pendingSenders.stop(to: replaced)
                distributorInstances[replaced] = nil
                _ = await distributorLink.forget(replaced)
                _ = try? await distributorLink.send(.disconnect(Disconnect(sender: Self.processName, reason: .replaced)), to: replaced)
            }
            if let previous = distributorInstances.updateValue(ready.instanceID, forKey: peer), previous != ready.instanceID {
                // Restarted under the same routing id before it was seen dead: what was in
                // flight to the old process counts against the new one's window until the
                // link's resend timer (up to 30 s). The journal still has all of it pending.
                pendingSenders.stop(to: peer)
                _ = await distributorLink.forget(peer)
            }
            toldToRegister[peer] = nil
            logger.info("distributor registered", metadata: metadata)
            await answerDistributor(
                peer,
                .readyAccepted(ReadyAccepted(
                    readyID: id, queues: queues, heartbeatIntervalMs: UInt32(clamping: linkSettings.heartbeatInterval.milliseconds))))
            // In tasks of their own: thousands of pending deliveries must not hold up the loop
            // that reads the distributors' messages (acks, another distributor's Ready) while
            // they go out (found by `switchboard chaos`: a distributor stayed unregistered for
            // a minute after a router restart under load).
            // One sender per queue: a distributor that says Ready again (it saw the router
            // come back) neither adds a second one that sends every delivery again beside it
            // (found by `switchboard chaos --rate 300`) nor restarts it (which sent again what
            // was in flight); another process or peer gets a sender of its own.
            for queue in queues where !pendingSenders.covers(queue: queue, to: peer, instanceID: ready.instanceID) {
                pendingSenders.start(queue: queue, to: peer, instanceID: ready.instanceID) { run in
                    Task(executorPreference: loop) {
                        let completed = await self.sendPending(queue: queue, to: peer)
                        await self.pendingSenderEnded(queue: queue, run: run, completed: completed)
                    }
                }
            }
        }
    }

    /// Everything pending for `queue`, in journal order, to its new owner; false when cut
    /// short (the queue changed hands, the task was cancelled, the journal failed).
    @discardableResult
    func sendPending(queue: String, to peer: PeerID) async -> Bool {
        let pending: [JournalDelivery]
        do {
            pending = try await journal.pendingDeliveries(queue: queue)
        } catch {
            logger.error("cannot read pending deliveries", metadata: ["queue": "\(queue)", "error": "\(error)"])
            return false
        }
        if !pending.isEmpty {
            logger.info("sending pending deliveries", metadata: ["queue": "\(queue)", "count": "\(pending.count)", "peer": "\(peer)"])
        }
        for delivery in pending {
            // Ownership may change while we send (re-checked after every await).
            guard registry.owner(ofQueue: queue) == peer, !Task.isCancelled else { return false }
            // A window: thousands sent at once fill the peer's high-water mark, and a ROUTER
            // socket's send waiting on one full peer holds up every other peer's (found by
            // `switchboard chaos --rate 300`: router and distributor stopped reading, each
            // waiting to send to the other).
            while await distributorLink.unansweredCount(for: peer) >= Self.pendingWindow {
                try? await Task.sleep(for: .milliseconds(5))
                guard registry.owner(ofQueue: queue) == peer, !Task.isCancelled else { return false }
            }
            await send(delivery)
        }
        return !Task.isCancelled
    }

    private func pendingSenderEnded(queue: String, run: UInt64, completed: Bool) {
        pendingSenders.ended(queue: queue, run: run, completed: completed)
    }

    /// Most deliveries sent to one distributor and not yet answered while pending ones go out.
    static let pendingWindow = 500

    private func acknowledged(_ ack: DeliverAck, from peer: PeerID) async {
        switch ack.outcome {
        case .accepted, .duplicate:
            // Not awaited: acks that arrive together share a commit. A lost update only means
            // the delivery is sent again after a restart, and the distributor dedupes it.
            let (metrics, logger, ackedID) = (self.metrics, self.logger, ack.ackedID)
            journal.enqueueMarkDelivered(Data(ackedID.bytes), nowMs: Self.nowMs()) { result in
                switch result {
                case .success(let changed):
                    if changed { metrics.addPending(-1) }
                case .failure(let error):
                    metrics.journalError()
                    logger.error("cannot mark a delivery done", metadata: ["message.id": "\(ackedID)", "error": "\(error)"])
                }
            }
        case .rejected(let reason):
            // Stays pending: it goes out again to whoever owns the queue after the next Ready.
            logger.warning("delivery rejected by distributor", metadata: ["message.id": "\(ack.ackedID)", "peer": "\(peer)", "reason": "\(reason)"])
        }
    }

    /// R1: a Closed conversation takes no more messages; the customer's next one opens a new
    /// conversation. Acked only once the journal has it, so the distributor resends until then.
    private func close(_ closed: ConversationClosed, id: MessageID, from peer: PeerID) async {
        // A closure, so that a line not written costs nothing: the close reason's text comes
        // from reflection, and with the fields it was 2.5 % of a router that logs at error.
        let metadata = { () -> Logger.Metadata in
            ["conversation.id": .string(closed.conversationID), "queue": .string(closed.queue), "reason": "\(closed.reason)"]
        }
        do {
            let changed = try await journal.closeConversation(id: closed.conversationID, nowMs: Self.nowMs())
            if changed {
                metrics.closed()
                logger.info("conversation closed", metadata: metadata())
            } else {
                logger.debug("close of a conversation not open here; acknowledged again", metadata: metadata())
            }
            await answerDistributor(peer, .ack(Ack(ackedID: id, outcome: .accepted)))
        } catch {
            metrics.journalError()
            logger.error("cannot record a close; not acknowledged", metadata: metadata().merging(["error": "\(error)"]) { $1 })
        }
    }

    func answerDistributor(_ peer: PeerID, _ message: WireMessage) async {
        do {
            try await distributorLink.send(message, to: peer)
        } catch {
            logger.warning("cannot answer a distributor", metadata: ["peer": "\(peer)", "error": "\(error)"])
        }
    }

    /// Liveness: a dead peer's queues become free; a peer that is heard from but never
    /// registered (typically: this router restarted) is told to re-announce (Majordomo).
    private func watchDistributors() async {
        await withDiscardingTaskGroup { group in
            for await event in distributorLink.events {
                switch event {
                case .peerDead(let peer):
                    await peerGone(peer)
                case .peerAlive(let peer):
                    // A grace period lets a new peer's own Ready arrive first.
                    let grace = linkSettings.heartbeatInterval
                    group.addTask {
                        try? await Task.sleep(for: grace)
                        await self.disconnectIfUnregistered(peer)
                    }
                }
            }
        }
    }

    private func peerGone(_ peer: PeerID) async {
        let freed = registry.peerDied(peer)
        pendingSenders.stop(to: peer)
        distributorInstances[peer] = nil
        _ = await distributorLink.forget(peer)
        if !freed.isEmpty {
            logger.warning("distributor gone; its queues are unowned", metadata: ["peer": "\(peer)", "queues": "\(freed.joined(separator: ","))"])
        }
    }

    /// A DeliverAck, ConversationClosed or ConversationTransferred changes the journal, so it
    /// counts only from a registered distributor (decisions §31): a stale process or a foreign
    /// peer must not mark a delivery done or close another distributor's conversation. Not
    /// answered, so the sender's link keeps it and resends it once its Ready is accepted; a
    /// refusal would stop that resend and lose the close.
    func isRegistered(_ peer: PeerID, sending envelope: Envelope) async -> Bool {
        guard !registry.isRegistered(peer) else { return true }
        metrics.droppedFromUnregistered()
        logger.debug("dropped: the sender is not registered", metadata: ["peer": "\(peer)", "type": "\(envelope.type.name)", "message.id": "\(envelope.id)"])
        await disconnectIfUnregistered(peer)
        return false
    }

    func disconnectIfUnregistered(_ peer: PeerID) async {
        guard !registry.isRegistered(peer), linksBound else { return }
        let now = ContinuousClock.now
        if let told = toldToRegister[peer], now - told < linkSettings.heartbeatInterval { return }
        toldToRegister[peer] = now
        logger.info("traffic from an unregistered distributor; asking it to announce itself", metadata: ["peer": "\(peer)"])
        _ = try? await distributorLink.send(
            .disconnect(Disconnect(sender: Self.processName, reason: .unspecified, detail: "not registered: send Ready")), to: peer)
    }

    static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
