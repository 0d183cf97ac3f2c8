import Foundation
import Logging
import ServiceLifecycle
import Storage
import Wire
import ZeroMQ

/// Forwards the outbox to the router (design.md "Durability" step 2): pending rows in
/// storage order, each sent reliably (resent with its stored id until the router's
/// `SubmitAck`), acks settled in group commits.
///
/// At most `window` rows are in flight; rows are read in pages as the window frees up, so
/// a large backlog (the router was down for a day) is never loaded at once. New rows are
/// picked up as soon as `stored` is signalled after their commit, and the rows that commit
/// handed over (`OutboxSignal`) go out as they were encoded, without a read of the store.
public actor Forwarder<Link: ForwardingLink>: Service {
    public struct Settings: Sendable {
        public var window: Int
        public var pageSize: Int
        /// Acked rows are deleted this long after their ack.
        public var retention: Duration
        public var pruneInterval: Duration

        public init(window: Int = 1_000, pageSize: Int = 200, retention: Duration = .seconds(86_400), pruneInterval: Duration = .seconds(3_600)) {
            self.window = max(1, window)
            self.pageSize = max(1, pageSize)
            self.retention = retention
            self.pruneInterval = pruneInterval
        }
    }

    public nonisolated let link: Link
    private let ownExecutor = ExecutorOfItsOwn()
    /// The link's executor where it has one to share (the process's loop), so the forwarder's
    /// sends run in place (decisions §45).
    public nonisolated var unownedExecutor: UnownedSerialExecutor { link.sharedExecutor ?? ownExecutor.unownedExecutor }
    private let store: OutboxStore
    private let stored: OutboxSignal
    /// Where agent replies from the router go (M1); nil: they are refused.
    private let replies: ReplyIntake?
    private let metrics: IngressMetrics
    private let settings: Settings
    private let logger: Logger
    private let now: @Sendable () -> Date

    /// Storage order of the last row sent; rows after it are still to send.
    private var cursor: Int64 = 0
    private var inFlight: Set<MessageID> = []
    /// `fill` stopped at a full window: the next answer wakes it. Otherwise an answer needs
    /// no wake-up, which spared a read of the outbox per answer that found nothing new.
    private var waitingForRoom = false

    public init(
        link: Link, store: OutboxStore, stored: OutboxSignal, replies: ReplyIntake? = nil, metrics: IngressMetrics,
        settings: Settings = Settings(), logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.link = link
        self.store = store
        self.stored = stored
        self.replies = replies
        self.metrics = metrics
        self.settings = settings
        self.logger = logger
        self.now = now
    }

    public var inFlightCount: Int { inFlight.count }

    public func run() async throws {
        try await link.start()
        let pending = (try? await store.pendingCount()).map { "\($0)" } ?? "unknown"
        logger.info("forwarding the outbox to the router", metadata: ["window": "\(settings.window)", "pending": "\(pending)"])
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.pump() }
                group.addTask { await self.receiveAnswers() }
                group.addTask { await self.pruneRegularly() }
                group.addTask { await self.countPendingRegularly() }
            }
        }
        await link.stop()
        stored.finish()
    }

    // MARK: sending

    private func pump() async {
        await fill()
        for await _ in stored.wakeups {
            await fill()
        }
    }

    /// Sends pending rows after `cursor` while the window has room.
    private func fill() async {
        while !Task.isCancelled {
            let room = settings.window - inFlight.count
            guard room > 0 else {
                waitingForRoom = true
                break
            }
            let limit = min(room, settings.pageSize)
            let committed = stored.take(after: cursor, limit: limit)
            if !committed.isEmpty {
                guard await send(committed) else { return }
                continue
            }
            // Caught up with the store, and every row committed since was handed over.
            guard stored.mustReadStore() else { break }
            let rows: [OutboxRow]
            do {
                rows = try await store.pending(after: cursor, limit: limit)
            } catch {
                if !Task.isCancelled { logger.error("cannot read the outbox", metadata: ["error": "\(error)"]) }
                break  // not caught up: the next wake-up reads again
            }
            stored.storeRead(count: rows.count, limit: limit)
            guard !rows.isEmpty else { break }
            for row in rows where row.sequence > cursor {  // re-check: another fill may have moved on
                cursor = row.sequence
                let envelope: Envelope
                do {
                    envelope = try OutboxCodec.envelope(row)
                } catch {
                    logger.error("outbox row cannot be decoded; marking it rejected", metadata: ["error": "\(error)"])
                    _ = try? await store.settle(
                        [OutboxSettlement(messageID: row.messageID, outcome: .rejected(reason: "undecodable outbox row"))],
                        atMs: nowMs())
                    continue
                }
                guard await sendCounted(envelope.id, { try await link.sendReliably(envelope) }) else { return }
            }
        }
    }

    /// Rows just committed, as the recorder encoded them.
    private func send(_ committed: [OutboxSignal.Committed]) async -> Bool {
        for row in committed {
            cursor = row.sequence
            guard await sendCounted(row.message.id, { try await link.sendReliably(row.message) }) else { return false }
        }
        return true
    }

    /// Sends one message, counted in flight until its answer. False when the link is stopping
    /// (shutdown): the row stays pending in the store for the next start.
    private func sendCounted(_ id: MessageID, _ send: () async throws -> Void) async -> Bool {
        inFlight.insert(id)
        do {
            try await send()
            return true
        } catch {
            logger.warning("cannot send to the router", metadata: ["message.id": "\(id)", "error": "\(error)"])
            inFlight.remove(id)
            return false
        }
    }

    // MARK: answers

    private func receiveAnswers() async {
        await withDiscardingTaskGroup { group in
            for await envelope in link.inbound {
                switch envelope.message {
                case .submitAck(let ack):
                    // Concurrent settlements share the outbox's group commit.
                    group.addTask { await self.settle(ack) }
                case .agentReply(let reply):
                    group.addTask { await self.takeReply(reply, id: envelope.id) }
                default:
                    logger.debug("ignoring a message from the router", metadata: ["type": "\(envelope.type)"])
                }
                if Task.isCancelled { break }
            }
        }
    }

    private func settle(_ ack: SubmitAck) async {
        let outcome: OutboxSettlement.Outcome
        switch ack.outcome {
        case .accepted, .duplicate:
            outcome = .acked(conversationID: ack.conversationID)
        case .rejected(let reason):
            outcome = .rejected(reason: reason)
        }
        do {
            let changed = try await store.settle([OutboxSettlement(messageID: ack.ackedID.bytes, outcome: outcome)], atMs: nowMs())
            if changed > 0 {
                if case .rejected(let reason) = outcome {
                    metrics.forwardedRejected.increment()
                    logger.error("the router rejected a message for good", metadata: ["message.id": "\(ack.ackedID)", "reason": "\(reason)"])
                } else {
                    metrics.forwardedAcked.increment()
                    logger.debug(
                        "message forwarded",
                        metadata: ["message.id": "\(ack.ackedID)", "conversation.id": "\(ack.conversationID ?? "")"])
                }
            }
        } catch {
            // Still pending in the store; the link resends and the router answers DUPLICATE again.
            logger.error("cannot record a SubmitAck", metadata: ["message.id": "\(ack.ackedID)", "error": "\(error)"])
        }
        inFlight.remove(ack.ackedID)
        if waitingForRoom {
            waitingForRoom = false
            stored.signal()  // the window has room again
        }
    }

    /// Stores an agent reply for sending and answers the router once it is durable.
    private func takeReply(_ reply: AgentReply, id: MessageID) async {
        guard let replies else {
            logger.warning("an agent reply reached an adapter that sends none; not acknowledged", metadata: ["message.id": "\(id)"])
            return
        }
        guard let answer = await replies.take(reply, id: id) else { return }  // not stored: the router resends
        do {
            try await link.send(answer)
        } catch {
            logger.warning("cannot answer an agent reply; the router resends it", metadata: ["message.id": "\(id)", "error": "\(error)"])
        }
    }

    // MARK: housekeeping

    private func pruneRegularly() async {
        while !Task.isCancelled {
            let cutoff = nowMs() - Int64(settings.retention.components.seconds) * 1_000
            do {
                let pruned = try await store.pruneAcked(settledBeforeMs: cutoff)
                if pruned > 0 { logger.info("pruned acked outbox rows", metadata: ["rows": "\(pruned)"]) }
            } catch {
                logger.warning("cannot prune the outbox", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: settings.pruneInterval)
        }
    }

    /// The pending gauge, once a second: counted after every page sent, it was a read per few
    /// messages under load.
    private func countPendingRegularly() async {
        while !Task.isCancelled {
            if let pending = try? await store.pendingCount() {
                metrics.outboxPending.record(pending)
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private func nowMs() -> Int64 {
        Int64((now().timeIntervalSince1970 * 1_000).rounded())
    }
}
