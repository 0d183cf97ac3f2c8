import Logging
import Metrics
import Wire
import ZeroMQ

/// The connecting end of a DEALER → ROUTER link (ingress → router, distributor → router,
/// distributor → presence), with the rules of wire.md section 4:
///
/// - **heartbeats**: a beat goes out after an interval without traffic; the peer is dead
///   after `missedHeartbeatsBeforeDead` silent intervals (`events` says so, and says when it
///   is heard again);
/// - **store-and-forward**: `sendReliably` keeps a message (same id) and resends it, waiting
///   2 s doubling to 30 s, until a message answering its id arrives; when a dead peer comes
///   back everything unanswered goes out again at once. The owner stores the message durably
///   *before* calling it, so a restart reloads it and calls `sendReliably` again;
/// - **bad input**: malformed frames are logged, counted and dropped (`InboundCodec`).
///
/// libzmq reconnects the TCP connection by itself; the link only decides when the peer
/// counts as gone and what to send again.
public actor DealerLink {
    public let name: String
    public let identity: String
    public let endpoint: String

    private let loop: ZeroMQEventLoop
    /// Isolated to the process's loop, like every actor of the process: their calls to each
    /// other run in place instead of as a job each way (decisions §45).
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.actorExecutor.asUnownedSerialExecutor() }
    private let ids: MessageIDGenerator
    private let settings: LinkSettings
    private let logger: Logger
    private let codec: InboundCodec
    /// `switchboard_wire_resent_total{link}`: sends again of unanswered messages (lost ones,
    /// and everything once a dead peer is back).
    private let resent: Counter
    private let peer: PeerID
    private let inboundChannel = Inbox<Envelope>()
    private let eventStream: AsyncStream<LinkEvent>
    private let eventContinuation: AsyncStream<LinkEvent>.Continuation

    private var socket: AsyncSocket?
    private var stopped = false
    private var liveness: PeerLiveness<ContinuousClock.Instant>
    private var peerRun = PeerRun()
    private var tracker: AcknowledgementTracker<MessageID, ContinuousClock.Instant>
    /// The encoded frames of every unanswered reliable message, for resends.
    private var unanswered: [MessageID: [[UInt8]]] = [:]
    private var loops: [Task<Void, Never>] = []

    /// - Parameters:
    ///   - identity: the routing id the ROUTER sees (the process name, e.g. `distributor-1`).
    public init(
        name: String, identity: String, connectTo endpoint: String, loop: ZeroMQEventLoop,
        ids: MessageIDGenerator, settings: LinkSettings = .init(), logger: Logger,
        metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.name = name
        self.identity = identity
        self.endpoint = endpoint
        self.loop = loop
        self.ids = ids
        self.settings = settings
        var logger = logger
        logger[metadataKey: "link"] = "\(name)"
        self.logger = logger
        self.codec = InboundCodec(link: name, logger: logger, metrics: metrics)
        self.resent = Counter(label: "switchboard_wire_resent_total", dimensions: [("link", name)], factory: metrics)
        self.peer = PeerID(endpoint)
        self.liveness = PeerLiveness(settings: settings.liveness, now: .now)
        self.tracker = AcknowledgementTracker(settings: settings.resend)
        (eventStream, eventContinuation) = AsyncStream.makeStream(of: LinkEvent.self, bufferingPolicy: .bufferingNewest(64))
    }

    /// Everything the peer sends except heartbeats, answers included, in order. One consumer,
    /// which must keep draining it: the link stops reading the socket while the consumer is
    /// busy (back-pressure), and a consumer that stops for longer than the dead-peer time
    /// makes the peer look dead.
    public nonisolated var inbound: Inbox<Envelope> { inboundChannel }

    /// `peerDead` when the peer falls silent, `peerAlive` when it is heard again after that.
    public nonisolated var events: AsyncStream<LinkEvent> { eventStream }

    public var unansweredCount: Int { unanswered.count }
    public var isPeerAlive: Bool { liveness.isPeerAlive }

    /// Connects (libzmq connects in the background: the peer need not be up yet) and starts
    /// the receive and timer loops.
    public func start() async throws {
        guard socket == nil else { return }
        guard !stopped else { throw MessagingError(code: .stopped, message: "\(name) was stopped") }
        let (identity, endpoint, highWaterMark) = (self.identity, self.endpoint, settings.highWaterMark)
        let socket: AsyncSocket
        do {
            socket = try await loop.makeSocket(.dealer, receiveBufferSize: 256) { socket in
                try socket.setRoutingID(identity)
                try socket.setSendHighWaterMark(highWaterMark)
                try socket.setReceiveHighWaterMark(highWaterMark)
                try socket.connect(endpoint)
            }
        } catch {
            throw transportError(error, "\(name): cannot connect to \(endpoint)")
        }
        self.socket = socket
        liveness = PeerLiveness(settings: settings.liveness, now: .now)
        loops.append(Task(executorPreference: loop) { await self.receiveLoop(socket) })
        loops.append(Task(executorPreference: loop) { await self.timerLoop() })
        logger.info("link connecting", metadata: ["endpoint": "\(endpoint)", "identity": "\(identity)"])
    }

    /// Says goodbye (`Disconnect`) when the peer is alive, closes the socket and ends
    /// `inbound` and `events`. Unanswered messages stay with the owner's store.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        for task in loops { task.cancel() }
        loops.removeAll()
        if let socket {
            if liveness.isPeerAlive {
                let goodbye = Envelope(id: ids.next(), message: .disconnect(Disconnect(sender: name, reason: .shutdown)))
                if let frames = try? encodeFrames(goodbye) {
                    try? await socket.send(Multipart(frames))
                }
            }
            await socket.close()
        }
        socket = nil
        inboundChannel.finish()
        eventContinuation.finish()
    }

    /// Sends once with a fresh id, untracked. Returns the id (so the owner can match answers).
    @discardableResult
    public func send(_ message: WireMessage) async throws -> MessageID {
        let envelope = Envelope(id: ids.next(), message: message)
        try await send(envelope)
        return envelope.id
    }

    /// Sends once, untracked (answers, notifications).
    public func send(_ envelope: Envelope) async throws {
        try await transmit(try encodeFrames(envelope), what: envelope.type.name)
    }

    /// Sends and keeps resending with the same id until a message answering it arrives.
    /// Calling it again for an id already unanswered sends it once more and keeps its schedule.
    public func sendReliably(_ envelope: Envelope) async throws {
        try await sendReliably(try encodeEnvelope(envelope))
    }

    /// `sendReliably` for a message already encoded (one just stored, decisions §47).
    public func sendReliably(_ encoded: EncodedEnvelope) async throws {
        unanswered[encoded.id] = encoded.frames
        tracker.sent(encoded.id, at: .now)
        try await transmit(encoded.frames, what: encoded.type.name)
    }

    // MARK: loops

    private func receiveLoop(_ socket: AsyncSocket) async {
        do {
            for try await message in socket.messages {
                guard let envelope = codec.decode(message.frames[...]) else { continue }
                let now = ContinuousClock.now
                if liveness.endsSilence(at: now) { tracker.peerWasSilent() }
                let restarted = peerRun.restarted(envelope)
                let revived = liveness.received(at: now)
                if let answered = envelope.message.answeredID, tracker.acknowledged(answered, at: now) {
                    unanswered[answered] = nil
                }
                if revived {
                    await peerCameBack(now)
                } else if restarted {
                    logger.info("peer restarted", metadata: ["endpoint": "\(endpoint)", "resending": "\(unanswered.count)"])
                    // A new run forgot what the owner tells a peer that is back (a distributor's
                    // Ready, presence's work items and unconfirmed accepts): the same event.
                    eventContinuation.yield(.peerAlive(peer))
                    await resendUnanswered(at: now)
                }
                if case .heartbeat = envelope.message { continue }
                await inboundChannel.send(envelope)
            }
        } catch {
            if !stopped { logger.error("receive failed", metadata: ["error": "\(error)"]) }
        }
    }

    private func timerLoop() async {
        while !stopped, !Task.isCancelled {
            let now = ContinuousClock.now
            let due = liveness.tick(at: now)
            if due.peerDied {
                logger.warning("peer silent: counted as dead", metadata: ["endpoint": "\(endpoint)", "unanswered": "\(unanswered.count)"])
                eventContinuation.yield(.peerDead(peer))
            }
            // Resend only to a live peer: a dead one gets everything at once when it is back.
            let resends = liveness.isPeerAlive ? tracker.dueForResend(at: now) : []
            await sendAgain(resends)
            if due.sendHeartbeat, resends.isEmpty {
                let beat = Envelope(id: ids.next(), message: .heartbeat(Heartbeat(sender: name, sentAtMs: unixMilliseconds())))
                if let frames = try? encodeFrames(beat) { try? await transmit(frames, what: "heartbeat") }
            }
            try? await Task.sleep(for: settings.timerResolution)
        }
    }

    private func peerCameBack(_ now: ContinuousClock.Instant) async {
        logger.info("peer is back", metadata: ["endpoint": "\(endpoint)", "resending": "\(unanswered.count)"])
        eventContinuation.yield(.peerAlive(peer))
        await resendUnanswered(at: now)
    }

    /// Everything unanswered goes out again now, in original order, its wait reset: for an
    /// owner whose peer has just said it takes messages again (the router accepted a Ready
    /// after dropping what an unregistered distributor sent, decisions §31).
    public func resendUnanswered(at now: ContinuousClock.Instant = .now) async {
        await sendAgain(tracker.resendAll(at: now))
    }

    /// Sends unanswered messages again, counted in `switchboard_wire_resent_total`.
    private func sendAgain(_ ids: [MessageID]) async {
        guard !ids.isEmpty else { return }
        resent.increment(by: ids.count)
        for id in ids {
            if let frames = unanswered[id] { try? await transmit(frames, what: "resend") }
        }
    }

    private func transmit(_ frames: [[UInt8]], what: String) async throws {
        guard let socket, !stopped else {
            throw MessagingError(code: stopped ? .stopped : .notStarted, message: "\(name): cannot send \(what)")
        }
        do {
            try await socket.send(Multipart(frames))
        } catch {
            throw transportError(error, "\(name): sending \(what) failed")
        }
        liveness.sent(at: .now)
    }
}
