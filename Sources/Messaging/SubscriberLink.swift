import Logging
import Wire
import ZeroMQ

/// A distributor's SUB socket on presence's updates. Subscribes to the given topic prefixes
/// plus heartbeats; a publisher silent for `missedHeartbeatsBeforeDead` intervals is reported
/// dead (the owner then takes a fresh snapshot when it is back, as the Clone pattern says).
public actor SubscriberLink {
    public let name: String
    public let endpoint: String

    private let loop: ZeroMQEventLoop
    /// Isolated to the process's loop, like every actor of the process: their calls to each
    /// other run in place instead of as a job each way (decisions §45).
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.actorExecutor.asUnownedSerialExecutor() }
    private let topics: [[UInt8]]
    private let settings: LinkSettings
    private let logger: Logger
    private let codec: InboundCodec
    private let peer: PeerID
    private let inboundChannel = Inbox<Envelope>()
    private let eventStream: AsyncStream<LinkEvent>
    private let eventContinuation: AsyncStream<LinkEvent>.Continuation
    private var socket: AsyncSocket?
    private var stopped = false
    private var liveness: PeerLiveness<ContinuousClock.Instant>
    private var loops: [Task<Void, Never>] = []

    public init(
        name: String, connectTo endpoint: String, topics: [[UInt8]], loop: ZeroMQEventLoop,
        settings: LinkSettings = .init(), logger: Logger
    ) {
        self.name = name
        self.endpoint = endpoint
        self.topics = topics
        self.loop = loop
        self.settings = settings
        var logger = logger
        logger[metadataKey: "link"] = "\(name)"
        self.logger = logger
        self.codec = InboundCodec(link: name, logger: logger)
        self.peer = PeerID(endpoint)
        self.liveness = PeerLiveness(settings: settings.liveness, now: .now)
        (eventStream, eventContinuation) = AsyncStream.makeStream(of: LinkEvent.self, bufferingPolicy: .bufferingNewest(64))
    }

    /// Every published message received, heartbeats included (they carry `lastSequence`).
    public nonisolated var inbound: Inbox<Envelope> { inboundChannel }
    public nonisolated var events: AsyncStream<LinkEvent> { eventStream }
    public var isPublisherAlive: Bool { liveness.isPeerAlive }

    public func start() async throws {
        guard socket == nil else { return }
        guard !stopped else { throw MessagingError(code: .stopped, message: "\(name) was stopped") }
        let (endpoint, topics) = (self.endpoint, self.topics + [WireCodec.heartbeatTopic])
        let socket: AsyncSocket
        do {
            socket = try await loop.makeSocket(.sub, receiveBufferSize: 1024) { socket in
                try socket.setReceiveHighWaterMark(100_000)
                for topic in topics { try socket.subscribe(topic) }
                try socket.connect(endpoint)
            }
        } catch {
            throw transportError(error, "\(name): cannot connect to \(endpoint)")
        }
        self.socket = socket
        liveness = PeerLiveness(settings: settings.liveness, now: .now)
        loops.append(Task(executorPreference: loop) { await self.receiveLoop(socket) })
        loops.append(Task(executorPreference: loop) { await self.timerLoop() })
    }

    public func stop() async {
        guard !stopped else { return }
        stopped = true
        for task in loops { task.cancel() }
        await socket?.close()
        socket = nil
        inboundChannel.finish()
        eventContinuation.finish()
    }

    private func receiveLoop(_ socket: AsyncSocket) async {
        do {
            for try await message in socket.messages {
                guard let envelope = codec.decode(message.frames[...], published: true) else { continue }
                if liveness.received(at: .now) {
                    logger.info("publisher is back", metadata: ["endpoint": "\(endpoint)"])
                    eventContinuation.yield(.peerAlive(peer))
                }
                await inboundChannel.send(envelope)
            }
        } catch {
            if !stopped { logger.error("receive failed", metadata: ["error": "\(error)"]) }
        }
    }

    private func timerLoop() async {
        while !stopped, !Task.isCancelled {
            // A SUB socket cannot send: only the death check applies.
            if liveness.tick(at: .now).peerDied {
                logger.warning("publisher silent: counted as dead", metadata: ["endpoint": "\(endpoint)"])
                eventContinuation.yield(.peerDead(peer))
            }
            liveness.sent(at: .now)  // nothing to beat; keep the heartbeat branch quiet
            try? await Task.sleep(for: settings.timerResolution)
        }
    }
}
