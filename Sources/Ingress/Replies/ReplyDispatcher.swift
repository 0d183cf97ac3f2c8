import Foundation
import Logging
import ServiceLifecycle
import Storage
import Wire

/// Sends stored agent replies to the provider (M1) and keeps trying while it is down: a
/// reply is never dropped silently. Each attempt's outcome is recorded; a retryable failure
/// waits with exponential back-off (1 s doubling to `maximumBackoff`), a permanent one, or
/// running past `giveUpAfter`, marks the reply failed (logged, counted).
///
/// Replies of one conversation go out in the order they were stored: while an earlier one
/// waits for a retry, the later ones wait behind it. Different conversations go out in
/// parallel. Wakes on a new reply (`stored`) or when the next retry is due; no polling.
public actor ReplyDispatcher: Service {
    public struct Settings: Sendable {
        public var initialBackoff: Duration
        public var maximumBackoff: Duration
        public var giveUpAfter: Duration
        public var batchSize: Int

        public init(
            initialBackoff: Duration = .seconds(1), maximumBackoff: Duration = .seconds(300),
            giveUpAfter: Duration = .seconds(86_400), batchSize: Int = 64
        ) {
            self.initialBackoff = initialBackoff
            self.maximumBackoff = maximumBackoff
            self.giveUpAfter = giveUpAfter
            self.batchSize = max(1, batchSize)
        }
    }

    private let store: ReplyOutboxStore
    private let sender: any ProviderReplySender
    private let stored: WakeSignal
    private let metrics: ReplyMetrics
    private let settings: Settings
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var sleeper: CheckedContinuation<Void, Never>?
    private var wokenEarly = false

    public init(
        store: ReplyOutboxStore, sender: any ProviderReplySender, stored: WakeSignal, metrics: ReplyMetrics,
        settings: Settings = Settings(), logger: Logger, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.sender = sender
        self.stored = stored
        self.metrics = metrics
        self.settings = settings
        self.logger = logger
        self.now = now
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                group.addTask {
                    for await _ in self.stored.wakeups { await self.wake() }
                }
                group.addTask { await self.dispatchUntilCancelled() }
            }
        }
    }

    private func dispatchUntilCancelled() async {
        while !Task.isCancelled {
            await dispatchDue()
            let next = try? await store.nextDueAtMs()
            if let pending = try? await store.pendingCount() { metrics.pending.record(pending) }
            await sleep(untilMs: next ?? nowMs() + 60_000)
        }
        wake()
    }

    /// Sends the pending replies to one customer now instead of after their back-off: the
    /// chat adapter calls it when a visitor reconnects (their replies waited for them).
    public func retryNow(channelInstanceID: String, customerAddress: String) async {
        do {
            let rows = try await store.pending(channelInstanceID: channelInstanceID, limit: 1_000)
            let theirs = rows.filter { (try? ReplyCodec.reply($0).1.customerAddress) == customerAddress }.map(\.replyID)
            guard !theirs.isEmpty else { return }
            try await store.hasten(theirs, toMs: nowMs())
            wake()
        } catch {
            logger.error("cannot reschedule a customer's pending replies", metadata: ["error": "\(error)"])
        }
    }

    /// Sends every reply due now, one batch at a time.
    func dispatchDue() async {
        while !Task.isCancelled {
            let rows: [ReplyRow]
            do {
                rows = try await store.due(atMs: nowMs(), limit: settings.batchSize)
            } catch {
                logger.error("cannot read the reply outbox", metadata: ["error": "\(error)"])
                return
            }
            guard !rows.isEmpty else { return }
            // One lane per conversation, in storage order; lanes in parallel.
            var lanes: [String: [ReplyRow]] = [:]
            var order: [String] = []
            for row in rows {
                let key = (try? ReplyCodec.reply(row).1.conversationID) ?? "undecodable"
                if lanes[key] == nil { order.append(key) }
                lanes[key, default: []].append(row)
            }
            await withTaskGroup(of: Void.self) { group in
                for key in order {
                    let lane = lanes[key] ?? []
                    group.addTask { await self.send(lane) }
                }
            }
            if rows.count < settings.batchSize { return }
        }
    }

    /// Sends a conversation's due replies in order; stops at the first that must wait and
    /// moves the rest behind it.
    private func send(_ lane: [ReplyRow]) async {
        for (index, row) in lane.enumerated() {
            let waitUntil = await attempt(row)
            if let waitUntil {
                for later in lane[(index + 1)...] {
                    try? await store.record(ReplyAttempt(replyID: later.replyID, outcome: .postponed(untilMs: waitUntil)), atMs: nowMs())
                }
                return
            }
        }
    }

    /// One attempt; returns when the conversation's next reply may go, nil for now.
    private func attempt(_ row: ReplyRow) async -> Int64? {
        let replyID: MessageID
        let reply: AgentReply
        do {
            (replyID, reply) = try ReplyCodec.reply(row)
        } catch {
            logger.error("stored reply cannot be decoded; marked failed", metadata: ["error": "\(error)"])
            await record(row, .failed(reason: "undecodable stored reply"))
            return nil
        }
        var logger = logger
        logger[metadataKey: "conversation.id"] = .string(reply.conversationID)
        logger[metadataKey: "message.id"] = "\(replyID)"
        switch await sender.send(reply, replyID: replyID) {
        case .sent(let providerMessageID):
            metrics.sent.increment()
            logger.info("reply sent to the customer", metadata: ["provider.message.id": "\(providerMessageID)"])
            await record(row, .sent(providerMessageID: providerMessageID))
            return nil
        case .permanent(let reason):
            metrics.failed.increment()
            logger.error("reply refused by the provider; given up", metadata: ["reason": "\(reason)"])
            await record(row, .failed(reason: reason))
            return nil
        case .retryable(let reason):
            let age = nowMs() - row.createdAtMs
            if age >= settings.giveUpAfter.milliseconds {
                metrics.failed.increment()
                logger.error("reply still not sent after the give-up time; given up", metadata: ["reason": "\(reason)"])
                await record(row, .failed(reason: "gave up after \(row.attempts + 1) attempts: \(reason)"))
                return nil
            }
            metrics.retried.increment()
            let retryAt = nowMs() + backoff(attempts: row.attempts)
            logger.warning("reply not sent; will retry", metadata: ["reason": "\(reason)", "attempt": "\(row.attempts + 1)"])
            await record(row, .retryAt(ms: retryAt, reason: reason))
            return retryAt
        }
    }

    private func record(_ row: ReplyRow, _ outcome: ReplyAttempt.Outcome) async {
        do {
            try await store.record(ReplyAttempt(replyID: row.replyID, outcome: outcome), atMs: nowMs())
        } catch {
            // Still pending: sent again later. The provider may then see it twice, which is why
            // senders pass the reply id as an idempotency key where the provider has one.
            logger.error("cannot record a reply attempt", metadata: ["error": "\(error)"])
        }
    }

    /// Milliseconds to wait after `attempts` failed attempts: initial × 2^attempts, capped.
    func backoff(attempts: Int) -> Int64 {
        let initial = settings.initialBackoff.milliseconds
        let cap = settings.maximumBackoff.milliseconds
        let factor = Int64(1) << Int64(min(max(attempts, 0), 30))
        let (product, overflow) = initial.multipliedReportingOverflow(by: factor)
        return overflow ? cap : min(product, cap)
    }

    // MARK: sleeping

    private func sleep(untilMs deadline: Int64) async {
        if wokenEarly {
            wokenEarly = false
            return
        }
        let delay = max(0, deadline - nowMs())
        guard delay > 0 else { return }
        let timer = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(delay))
            await self?.wake()
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // A wake between the check above and here is not lost: the await may suspend first.
                if Task.isCancelled || wokenEarly {
                    wokenEarly = false
                    continuation.resume()
                } else {
                    sleeper = continuation
                }
            }
        } onCancel: {
            Task { await self.wake() }  // shutdown must not wait for the next retry
        }
        timer.cancel()
    }

    private func wake() {
        if let sleeper {
            self.sleeper = nil
            sleeper.resume()
        } else {
            wokenEarly = true
        }
    }

    private func nowMs() -> Int64 { Int64((now().timeIntervalSince1970 * 1000).rounded()) }
}

extension Duration {
    fileprivate var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }
}
