import Logging
import Metrics
import Wire
import ZeroMQ

/// The bound end of DEALER → ROUTER links: many peers, each known by its routing id (the
/// router's ingress and distributor sockets, presence's request socket).
///
/// Per peer it keeps the same rules as `DealerLink` (heartbeats, death after silent
/// intervals, resends until answered, everything again when a dead peer comes back).
/// `ZMQ_ROUTER_MANDATORY` is on, so a send to a peer that is gone fails loudly instead of
/// vanishing. A peer that stays dead is forgotten after a while, unless messages to it are
/// still unanswered: those the owner takes back with `forget(_:)` to send elsewhere.
public actor RouterLink {
    /// One message from one peer.
    public struct Received: Sendable {
        public let peer: PeerID
        public let envelope: Envelope
        /// The four frames as they arrived (without the routing id): what an owner stores
        /// (`WireCodec.stored(frames:)`) instead of encoding the envelope again.
        public let frames: ArraySlice<[UInt8]>
    }

    private struct Peer {
        var liveness: PeerLiveness<ContinuousClock.Instant>
        var tracker: AcknowledgementTracker<MessageID, ContinuousClock.Instant>
        var unanswered: [MessageID: [[UInt8]]] = [:]
        var deadSince: ContinuousClock.Instant?
        var run = PeerRun()
    }

    public let name: String
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
    private let inboundChannel = Inbox<Received>()
    private let eventStream: AsyncStream<LinkEvent>
    private let eventContinuation: AsyncStream<LinkEvent>.Continuation

    private var socket: AsyncSocket?
    private var stopped = false
    private var peers: [PeerID: Peer] = [:]
    private var loops: [Task<Void, Never>] = []

    public init(
        name: String, bindTo endpoint: String, loop: ZeroMQEventLoop, ids: MessageIDGenerator,
        settings: LinkSettings = .init(), logger: Logger,
        metrics: any MetricsFactory = MetricsSystem.factory
    ) {
        self.name = name
        self.endpoint = endpoint
        self.loop = loop
        self.ids = ids
        self.settings = settings
        var logger = logger
        logger[metadataKey: "link"] = "\(name)"
        self.logger = logger
        self.codec = InboundCodec(link: name, logger: logger, metrics: metrics)
        self.resent = Counter(label: "switchboard_wire_resent_total", dimensions: [("link", name)], factory: metrics)
        (eventStream, eventContinuation) = AsyncStream.makeStream(of: LinkEvent.self, bufferingPolicy: .bufferingNewest(256))
    }

    /// Everything peers send except heartbeats, answers included, in arrival order. One consumer.
    public nonisolated var inbound: Inbox<Received> { inboundChannel }
    /// `peerAlive` on a new peer's first message or a dead peer's return; `peerDead` on silence.
    public nonisolated var events: AsyncStream<LinkEvent> { eventStream }

    public var alivePeers: Set<PeerID> { Set(peers.filter { $0.value.liveness.isPeerAlive }.keys) }
    public func unansweredCount(for peer: PeerID) -> Int { peers[peer]?.unanswered.count ?? 0 }

    /// The address actually bound (e.g. the port picked for `tcp://127.0.0.1:*`).
    public func boundEndpoint() async throws -> String {
        guard let socket else { throw MessagingError(code: .notStarted, message: "\(name) is not started") }
        do { return try await socket.lastEndpoint() } catch { throw transportError(error, "\(name): last endpoint") }
    }

    public func start() async throws {
        guard socket == nil else { return }
        guard !stopped else { throw MessagingError(code: .stopped, message: "\(name) was stopped") }
        let (endpoint, highWaterMark) = (self.endpoint, settings.highWaterMark)
        let socket: AsyncSocket
        do {
            socket = try await loop.makeSocket(.router, receiveBufferSize: 256) { socket in
                try socket.setRouterMandatory(true)
                // Our DEALERs use fixed routing ids (process names): a restarted one takes its id back.
                try socket.setRouterHandover(true)
                try socket.setSendHighWaterMark(highWaterMark)
                try socket.setReceiveHighWaterMark(highWaterMark)
                try socket.bind(endpoint)
            }
        } catch {
            throw transportError(error, "\(name): cannot bind \(endpoint)")
        }
        self.socket = socket
        loops.append(Task(executorPreference: loop) { await self.receiveLoop(socket) })
        loops.append(Task(executorPreference: loop) { await self.timerLoop() })
        logger.info("link bound", metadata: ["endpoint": "\(endpoint)"])
    }

    public func stop() async {
        guard !stopped else { return }
        stopped = true
        for task in loops { task.cancel() }
        loops.removeAll()
        if let socket {
            let goodbye = Disconnect(sender: name, reason: .shutdown)
            for peer in peers.keys where peers[peer]?.liveness.isPeerAlive == true {
                if let frames = try? encodeFrames(Envelope(id: ids.next(), message: .disconnect(goodbye))) {
                    try? await socket.send(Multipart([peer.bytes] + frames))
                }
            }
            await socket.close()
        }
        socket = nil
        inboundChannel.finish()
        eventContinuation.finish()
    }

    /// Sends once with a fresh id, untracked.
    @discardableResult
    public func send(_ message: WireMessage, to peer: PeerID) async throws -> MessageID {
        let envelope = Envelope(id: ids.next(), message: message)
        try await send(envelope, to: peer)
        return envelope.id
    }

    /// Sends once, untracked. A peer that is not connected fails with `.transport`
    /// (cause: EHOSTUNREACH).
    public func send(_ envelope: Envelope, to peer: PeerID) async throws {
        try await transmit(try encodeFrames(envelope), to: peer, what: envelope.type.name)
    }

    /// Sends and keeps resending (same id) while the peer is alive, until it answers. If the
    /// peer is not reachable now, the message waits for it (and for `forget`).
    public func sendReliably(_ envelope: Envelope, to peer: PeerID) async throws {
        try await sendReliably(try encodeEnvelope(envelope), to: peer)
    }

    /// `sendReliably` for a message already encoded (a stored envelope sent again).
    public func sendReliably(_ encoded: EncodedEnvelope, to peer: PeerID) async throws {
        let now = ContinuousClock.now
        // Changed where it is stored: a copy taken out and written back would duplicate its
        // unanswered messages, O(in flight) per message.
        Self.change(&peers[peer, default: newPeer(now: now)]) { state in
            state.unanswered[encoded.id] = encoded.frames
            state.tracker.sent(encoded.id, at: now)
        }
        do {
            try await transmit(encoded.frames, to: peer, what: encoded.type.name)
        } catch let error as MessagingError where error.zeroMQError?.code == .hostUnreachable {
            logger.debug("peer not reachable now; message kept for resend", metadata: ["peer": "\(peer)"])
        }
    }

    /// Stops resending to `peer` and returns the ids still unanswered, oldest first, so the
    /// owner can hand that work to another peer.
    public func forget(_ peer: PeerID) -> [MessageID] {
        guard var state = peers.removeValue(forKey: peer) else { return [] }
        let ids = state.tracker.resendAll(at: .now)
        state.unanswered.removeAll()
        return ids
    }

    // MARK: loops

    private func newPeer(now: ContinuousClock.Instant) -> Peer {
        Peer(liveness: PeerLiveness(settings: settings.liveness, now: now), tracker: AcknowledgementTracker(settings: settings.resend))
    }

    private func receiveLoop(_ socket: AsyncSocket) async {
        do {
            for try await message in socket.messages {
                guard message.frames.count > 1 else { continue }
                let peer = PeerID(bytes: message.frames[0])
                // Our DEALERs all set a routing id (their process name). A routing id that
                // starts with a zero byte is one libzmq made up: for a peer without one, or
                // for the old connection of a peer that reconnected under its id
                // (ROUTER_HANDOVER), whose last buffered messages would otherwise pass as a
                // new peer's, e.g. a killed distributor's Ready taking its queues from the
                // restarted one (found by `switchboard chaos --rate 300`).
                if peer.bytes.first == 0 {
                    noteAnonymous(peer)
                    continue
                }
                let frames = message.frames.dropFirst()
                guard let envelope = codec.decode(frames) else { continue }
                await noteTraffic(from: peer, envelope)
                if case .heartbeat = envelope.message { continue }
                await inboundChannel.send(Received(peer: peer, envelope: envelope, frames: frames))
            }
        } catch {
            if !stopped { logger.error("receive failed", metadata: ["error": "\(error)"]) }
        }
    }

    private var anonymousDropped = 0

    private func noteAnonymous(_ peer: PeerID) {
        anonymousDropped += 1
        // Logged at the first and then every 1,000th: a peer's backlog can be thousands.
        if anonymousDropped % 1000 == 1 {
            logger.warning(
                "message from a peer without a routing id of its own dropped",
                metadata: ["peer": "\(peer)", "dropped": "\(anonymousDropped)"])
        }
    }

    private func noteTraffic(from peer: PeerID, _ envelope: Envelope) async {
        let now = ContinuousClock.now
        let answered = envelope.message.answeredID
        guard peers[peer] != nil else {
            var state = newPeer(now: now)
            _ = state.run.restarted(envelope)
            if let answered, state.tracker.acknowledged(answered, at: now) { state.unanswered[answered] = nil }
            peers[peer] = state
            logger.info("peer joined", metadata: ["peer": "\(peer)"])
            eventContinuation.yield(.peerAlive(peer))
            return
        }
        let (revived, resend) = Self.change(&peers[peer, default: newPeer(now: now)]) { state in
            if state.liveness.endsSilence(at: now) { state.tracker.peerWasSilent() }
            let restarted = state.run.restarted(envelope)
            let revived = state.liveness.received(at: now)
            if let answered, state.tracker.acknowledged(answered, at: now) { state.unanswered[answered] = nil }
            state.deadSince = nil
            let resend = revived || restarted ? state.tracker.resendAll(at: now).compactMap { state.unanswered[$0] } : []
            return (revived, resend)
        }
        if revived {
            logger.info("peer is back", metadata: ["peer": "\(peer)", "resending": "\(resend.count)"])
            eventContinuation.yield(.peerAlive(peer))
        } else if !resend.isEmpty {
            logger.info("peer restarted", metadata: ["peer": "\(peer)", "resending": "\(resend.count)"])
        }
        await sendAgain(resend, to: peer)
    }

    /// Sends unanswered messages again, counted in `switchboard_wire_resent_total`.
    private func sendAgain(_ resend: [[[UInt8]]], to peer: PeerID) async {
        guard !resend.isEmpty else { return }
        resent.increment(by: resend.count)
        for frames in resend { try? await transmit(frames, to: peer, what: "resend") }
    }

    private func timerLoop() async {
        while !stopped, !Task.isCancelled {
            let now = ContinuousClock.now
            for peer in Array(peers.keys) {
                // No copy of the state is held while it changes (see `sendReliably`).
                guard peers[peer] != nil else { continue }
                let (due, resends, forgettable, unansweredCount, alive) = Self.change(&peers[peer, default: newPeer(now: now)]) { state in
                    let due = state.liveness.tick(at: now)
                    if due.peerDied { state.deadSince = now }
                    let resends = state.liveness.isPeerAlive ? state.tracker.dueForResend(at: now).compactMap { state.unanswered[$0] } : []
                    // A peer dead for long with nothing owed to it is forgotten (bounded memory).
                    let forgettable = state.deadSince.map { $0.advanced(by: settings.liveness.deadAfter * 10) <= now && state.unanswered.isEmpty } ?? false
                    return (due, resends, forgettable, state.unanswered.count, state.liveness.isPeerAlive)
                }
                if due.peerDied {
                    logger.warning("peer silent: counted as dead", metadata: ["peer": "\(peer)", "unanswered": "\(unansweredCount)"])
                    eventContinuation.yield(.peerDead(peer))
                }
                if forgettable {
                    peers[peer] = nil
                    continue
                }
                await sendAgain(resends, to: peer)
                if due.sendHeartbeat, resends.isEmpty, alive {
                    let beat = Envelope(id: ids.next(), message: .heartbeat(Heartbeat(sender: name, sentAtMs: unixMilliseconds())))
                    if let frames = try? encodeFrames(beat) { try? await transmit(frames, to: peer, what: "heartbeat") }
                }
            }
            try? await Task.sleep(for: settings.timerResolution)
        }
    }

    /// Runs `body` on a peer's state in place (see `sendReliably`).
    private static func change<T>(_ state: inout Peer, _ body: (inout Peer) -> T) -> T { body(&state) }

    private func transmit(_ frames: [[UInt8]], to peer: PeerID, what: String) async throws {
        guard let socket, !stopped else {
            throw MessagingError(code: stopped ? .stopped : .notStarted, message: "\(name): cannot send \(what)")
        }
        do {
            try await socket.send(Multipart([peer.bytes] + frames))
        } catch {
            throw transportError(error, "\(name): sending \(what) to \(peer) failed")
        }
        peers[peer]?.liveness.sent(at: .now)
    }
}
