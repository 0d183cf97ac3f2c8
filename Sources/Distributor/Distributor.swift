import Foundation
import Logging
import Messaging
import ProcessRuntime
import ServiceLifecycle
import Storage
import SwitchboardCore
import Wire
import ZeroMQ

/// One distributor process's work (spec D1, wire.md 5.2–5.6): owns its queues at the router,
/// records each Deliver before acknowledging it, and offers conversations to agents through
/// presence, driven by the pure `DistributionCore`. Every core step is stored before any of
/// its actions goes out, so a restart on the same data directory resumes where it stopped.
///
/// A `Service`: `run()` connects the three links, announces itself (`Ready`), takes
/// presence's snapshot, and serves until graceful shutdown or cancellation. It throws
/// `DistributorError.readyRefused` when another distributor owns one of its queues.
public actor Distributor: Service {
    let settings: DistributorSettings
    let configuration: SwitchboardConfiguration
    let store: QueueStateStore
    let ids: MessageIDGenerator
    /// The process's ZeroMQ loop: the distributor, its links and its commits run on it.
    let loop: ZeroMQEventLoop
    /// Isolated to the loop, like its links: calls between them run in place instead of as a
    /// job each way (decisions §45).
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.actorExecutor.asUnownedSerialExecutor() }
    var logger: Logger
    let metrics: DistributorMetrics
    /// Names this run in `Ready`, so the router tells a restart from a second distributor.
    let instanceID = UUID().uuidString.lowercased()

    let routerLink: DealerLink
    let presenceLink: DealerLink
    let updatesLink: SubscriberLink

    var core: DistributionCore
    var mirror = PresenceMirror()
    var readyAccepted = false
    /// The Ready sent last and not answered yet (its link resends it until it is).
    var readyOutstanding: MessageID?
    /// ConversationClosed and ConversationTransferred sent to the router, by message id: its
    /// Ack confirms the departure, and the stored record can go (`departureConfirmed`).
    var departuresSent: [MessageID: String] = [:]
    /// Deliver ids being recorded now: a resend arriving meanwhile waits for the router's next resend.
    var deliversInFlight: Set<MessageID> = []
    /// Agent replies passed to the router (as checked, with the customer's channel and
    /// address) and not yet answered by the adapter's AgentReplyAck.
    var repliesForwarded: [MessageID: AgentReply] = [:]
    /// Agent replies checked and being recorded as forwarded: a resend meanwhile waits for the next.
    var repliesRecording: Set<MessageID> = []
    /// Agent actions (by `actionKey`) whose step and answer are being stored: a resend
    /// meanwhile waits for the first copy's answer rather than being applied again and refused.
    var actionsRecording: Set<String> = []
    /// Answers to the agent actions done in this run, by `actionKey`, for resends (decisions §34).
    var actionAnswers = BoundedMemory<String, AgentActionResult>(capacity: QueueStateStore.answeredActionsKept)
    /// The actions (by `actionKey`) that the runs before this one did, read from the store at
    /// start: a resend of one gets its stored answer whenever it comes (decisions §34).
    var earlierRunsActions: Set<String> = []
    /// Offer message ids → offer ids, to read presence's Ack of an Offer.
    var offerMessages: [MessageID: String] = [:]
    /// ConversationMessage ids → what they carried, to record presence's Ack.
    var forwardedMessages: [MessageID: (conversationID: String, sequence: UInt64)] = [:]
    /// Answers already given to OfferReply ids (presence resends until it has one); a repeat
    /// older than the last 10,000 is answered by the core.
    var offerReplyAnswers = RememberedAnswers<AckOutcome>()
    /// The adapters' answers to agent replies (by the reply's id), for a resend that comes
    /// after the answer: the agent did not get it (disconnected, or presence restarted) and
    /// sent the reply again, perhaps after wrapping up, when checking it anew would refuse a
    /// reply that reached the customer (found by `switchboard chaos`).
    var agentReplyAnswers = RememberedAnswers<AckOutcome>()
    /// The Delivers recorded last, by conversation and sequence: `forward` hands a customer
    /// message to the agent moments after recording it, and reading it back from the store
    /// was a read per message (decisions §26). Older ones are read from the store.
    var recentDeliveries = BoundedMemory<DeliveryKey, Deliver>(capacity: 4_096)
    var timer: Task<Void, Never>?
    /// Deletes the deliveries of purged conversations after `deliveryRetention`.
    var deliverySweeper: Task<Void, Never>?
    /// Steps act in the order the core computed them (see `StepOrder`).
    var stepOrder = StepOrder()
    var armedDeadline: Int64?
    private var stopContinuation: AsyncStream<Void>.Continuation?

    struct DeliveryKey: Hashable, Sendable {
        let conversationID: String
        let sequence: UInt64
    }
    private var failure: DistributorError?

    public init(
        settings: DistributorSettings, configuration: SwitchboardConfiguration, store: QueueStateStore,
        loop: ZeroMQEventLoop, ids: MessageIDGenerator, linkSettings: LinkSettings = .init(), logger: Logger
    ) {
        self.settings = settings
        self.configuration = configuration
        self.store = store
        self.ids = ids
        self.loop = loop
        var logger = logger
        logger[metadataKey: "distributor"] = "\(settings.name)"
        self.logger = logger
        self.metrics = DistributorMetrics(queues: settings.queues)
        let owned = settings.queues.compactMap { configuration.queue(named: $0) }
        let streams = configuration.workStreams
        self.core = DistributionCore(
            queues: owned, workStreams: streams, otherQueues: Set(configuration.queues.map(\.name)))
        routerLink = DealerLink(
            name: "router", identity: settings.name, connectTo: settings.routerEndpoint, loop: loop, ids: ids,
            settings: linkSettings, logger: logger)
        presenceLink = DealerLink(
            name: "presence", identity: settings.name, connectTo: settings.presenceEndpoint, loop: loop, ids: ids,
            settings: linkSettings, logger: logger)
        updatesLink = SubscriberLink(
            name: "presence-updates", connectTo: settings.updatesEndpoint, topics: [WireCodec.agentTopicPrefix],
            loop: loop, settings: linkSettings, logger: logger)
    }

    // MARK: Service

    // Each link's messages are taken in a method isolated to the distributor: a `for await` in
    // the task's own closure switched to the actor and back for every message, two loop jobs
    // each (decisions §44).
    private func takeFromRouter() async { for await envelope in routerLink.inbound { await fromRouter(envelope) } }
    private func takeFromPresence() async { for await envelope in presenceLink.inbound { await fromPresence(envelope) } }
    private func takeUpdates() async { for await envelope in updatesLink.inbound { await fromUpdates(envelope) } }

    public func run() async throws {
        let (stopSignal, stopContinuation) = AsyncStream.makeStream(of: Void.self)
        self.stopContinuation = stopContinuation
        try await start()
        await withTaskCancellationOrGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.takeFromRouter() }
                group.addTask { await self.takeFromPresence() }
                group.addTask { await self.takeUpdates() }
                group.addTask { for await event in self.routerLink.events { await self.routerEvent(event) } }
                group.addTask { for await event in self.presenceLink.events { await self.presenceEvent(event) } }
                group.addTask { for await event in self.updatesLink.events { await self.updatesEvent(event) } }
                group.addTask {
                    for await _ in stopSignal { break }
                    await self.stopLinks()
                }
            }
        } onCancelOrGracefulShutdown: {
            stopContinuation.finish()
        }
        if let failure { throw failure }
    }

    /// Stops the process with `error` (e.g. the router refused our queues).
    func fail(_ error: DistributorError) {
        if failure == nil { failure = error }
        stopContinuation?.finish()
    }

    /// The core has moved past what is stored: stop, and let a restart resume from the store
    /// (acting on unrecorded state could break G1/G2).
    func storeFailed(_ error: StorageError) {
        logger.critical("cannot record queue state; stopping so a restart resumes from the store", metadata: ["error": "\(error)"])
        fail(DistributorError(code: .failed, message: "queue state store failed", cause: error))
    }

    private func start() async throws {
        let records = try await store.conversations()
        earlierRunsActions = Set(try await store.answeredActionKeys().map { String(decoding: $0, as: UTF8.self) })
        let step = core.restore(records)
        logger.info(
            "starting",
            metadata: [
                "queues": "\(settings.queues.joined(separator: ","))", "conversations": "\(records.count)",
                "router": "\(settings.routerEndpoint)", "presence": "\(settings.presenceEndpoint)",
            ])
        // Subscribe first, so no update is missed between the snapshot and the first update.
        try await updatesLink.start()
        try await presenceLink.start()
        try await routerLink.start()
        await requestSnapshot()
        await sendReady()
        let ticket = stepOrder.take()
        await perform(step.actions, answering: nil)
        await afterStep()
        endTurn(ticket)
        await sendWorkItemSnapshots()
        await sendHeldReservations()
        deliverySweeper = Task(executorPreference: loop) { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.deliverySweepInterval)
                guard !Task.isCancelled, let self else { return }
                await self.sweepDeliveries(storedBeforeMs: Self.nowMs() - Self.deliveryRetentionMs)
            }
        }
    }

    /// How long a purged conversation's deliveries stay to recognise a late resend. The
    /// router resends an unacknowledged Deliver within 30 s while both run, and at once after
    /// our Ready; the close it acknowledged came after it, so an hour is far past any resend.
    static let deliveryRetentionMs: Int64 = 3_600_000
    static let deliverySweepInterval: Duration = .seconds(300)

    /// Deletes, in batches, the deliveries of purged conversations stored before `cutoffMs`.
    func sweepDeliveries(storedBeforeMs cutoffMs: Int64) async {
        var total = 0
        do {
            while true {
                let deleted = try await store.forgetDeliveries(storedBeforeMs: cutoffMs, limit: Self.deliverySweepBatch)
                total += deleted
                if deleted < Self.deliverySweepBatch { break }
                await Task.yield()
            }
        } catch {
            logger.warning("cannot delete old deliveries; trying again later", metadata: ["error": "\(error)"])
        }
        if total > 0 { logger.info("old deliveries of departed conversations deleted", metadata: ["count": "\(total)"]) }
    }

    static let deliverySweepBatch = 10_000

    private func stopLinks() async {
        timer?.cancel()
        timer = nil
        deliverySweeper?.cancel()
        deliverySweeper = nil
        await routerLink.stop()
        await presenceLink.stop()
        await updatesLink.stop()
        logger.info("stopped")
    }

    // MARK: health

    /// For `/healthz`: the router accepted our queues, presence answers, its snapshot is loaded.
    public func health() async -> HealthReport {
        let routerUp = await routerLink.isPeerAlive && readyAccepted
        let presenceUp = await presenceLink.isPeerAlive
        let snapshot = mirror.isLoaded
        return HealthReport(
            healthy: routerUp && presenceUp && snapshot,
            checks: [
                "router.link": routerUp ? "up" : (readyAccepted ? "down" : "not registered"),
                "presence.link": presenceUp ? "up" : "down",
                "presence.snapshot": snapshot ? "loaded" : "not loaded",
            ])
    }

    /// A conversation as the distributor holds it (operations, tests).
    public func conversation(_ id: String) -> ConversationRecord? { core.conversations[id] }

    // MARK: steps

    /// Stores what a step changed (with `deliveries`), then acts on it. Returns false when
    /// the store failed: nothing may be acted on or acknowledged then.
    ///
    /// `deferrable`: the event's change may wait for the record's next stored step, because a
    /// restart that lost it repeats it harmlessly (decisions §26): a Grant (the Reserve is
    /// resent and granted again), presence's Ack of a customer message (the message is handed
    /// again; clients dedupe on sequence), a ReleaseAck (the Release is resent; presence
    /// answers `was_held = false`). Deferred only when the step changed that one record and
    /// does nothing: an action is never taken on unrecorded state.
    func apply(
        _ step: DistributionStep, deliveries: [StoredDelivery] = [], answeredActions: [AnsweredAction] = [],
        answering envelope: Envelope? = nil, deferrable: Bool = false
    ) async -> Bool {
        let ticket = stepOrder.take()
        defer { endTurn(ticket) }
        let deferred = deferrable && step.actions.isEmpty && step.changed.count <= 1 && deliveries.isEmpty && answeredActions.isEmpty
        do {
            if !deferred {
                try await store.commit(QueueStateChange(
                    conversations: step.changed, deliveries: deliveries, answeredActions: answeredActions, purged: step.purged))
            } else if !step.purged.isEmpty {
                purgeLater(step.purged)
            }
        } catch {
            storeFailed(error)
            await waitForTurn(ticket)  // never end a turn before the earlier ones
            return false
        }
        await waitForTurn(ticket)
        await perform(step.actions, answering: envelope)
        await afterStep()
        return true
    }

    /// Deletes the stored records of departed conversations with the next group commit, not
    /// waited for: nothing is answered or done after it, and a crash before it only brings
    /// the close (or release), and its answer, again.
    func purgeLater(_ ids: [String]) {
        let logger = self.logger
        store.enqueue(QueueStateChange(purged: ids)) { error in
            logger.warning("cannot purge departed conversations; a restart sends their news again", metadata: ["error": "\(error)"])
        }
    }

    func afterStep() async {
        for queue in settings.queues {
            metrics.setWaiting(core.openCount(inQueue: queue), queue: queue)
        }
        armTimer()
    }

    /// Arms one timer for the earliest deadline (no polling). Only an earlier deadline
    /// re-arms it: a timer that fires before the earliest deadline now (that offer was
    /// answered) finds nothing due and arms for the next. Re-arming on every change was a
    /// new task and timer per offer made or answered.
    private func armTimer() {
        guard let deadline = core.nextDeadline else { return }
        if let armed = armedDeadline, armed <= deadline { return }
        timer?.cancel()
        armedDeadline = deadline
        let delay = max(0, deadline - Self.nowMs())
        // On the loop, like every task that calls the distributor: a task without the
        // preference pays a hop to the loop at each call (decisions §45).
        timer = Task(executorPreference: loop) { [weak self] in
            try? await Task.sleep(for: .milliseconds(delay))
            guard !Task.isCancelled else { return }
            await self?.deadlineReached()
        }
    }

    private func deadlineReached() async {
        armedDeadline = nil
        let step = core.handle(.clockAdvanced, nowMs: Self.nowMs())
        _ = await apply(step)
    }

    static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
