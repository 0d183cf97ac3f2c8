import Logging
import Wire
import ZeroMQ

/// Presence's PUB socket (zguide ch. 5, "Clone"): every published message carries its topic
/// frame (`WireCodec.topic(for:)`), and a heartbeat goes out after each idle interval with
/// the last published `AgentUpdate` sequence, so a subscriber notices both a silent
/// publisher and a gap it missed.
public actor PublisherLink {
    public let name: String
    public let endpoint: String

    private let loop: ZeroMQEventLoop
    /// Isolated to the process's loop, like every actor of the process: their calls to each
    /// other run in place instead of as a job each way (decisions §45).
    public nonisolated var unownedExecutor: UnownedSerialExecutor { loop.actorExecutor.asUnownedSerialExecutor() }
    private let ids: MessageIDGenerator
    private let heartbeatInterval: Duration
    private let logger: Logger
    private var socket: AsyncSocket?
    private var stopped = false
    private var lastSent: ContinuousClock.Instant = .now
    private var lastSequence: UInt64 = 0
    private var timer: Task<Void, Never>?

    public init(
        name: String, bindTo endpoint: String, loop: ZeroMQEventLoop, ids: MessageIDGenerator,
        heartbeatInterval: Duration = .seconds(1), logger: Logger
    ) {
        self.name = name
        self.endpoint = endpoint
        self.loop = loop
        self.ids = ids
        self.heartbeatInterval = heartbeatInterval
        var logger = logger
        logger[metadataKey: "link"] = "\(name)"
        self.logger = logger
    }

    public func start() async throws {
        guard socket == nil else { return }
        guard !stopped else { throw MessagingError(code: .stopped, message: "\(name) was stopped") }
        let endpoint = self.endpoint
        do {
            socket = try await loop.makeSocket(.pub) { socket in
                try socket.setSendHighWaterMark(100_000)
                try socket.bind(endpoint)
            }
        } catch {
            throw transportError(error, "\(name): cannot bind \(endpoint)")
        }
        timer = Task(executorPreference: loop) { await self.heartbeatLoop() }
        logger.info("publisher bound", metadata: ["endpoint": "\(endpoint)"])
    }

    public func stop() async {
        guard !stopped else { return }
        stopped = true
        timer?.cancel()
        await socket?.close()
        socket = nil
    }

    /// The address actually bound.
    public func boundEndpoint() async throws -> String {
        guard let socket else { throw MessagingError(code: .notStarted, message: "\(name) is not started") }
        do { return try await socket.lastEndpoint() } catch { throw transportError(error, "\(name): last endpoint") }
    }

    /// Publishes with a fresh id. An `AgentUpdate` also becomes the sequence later heartbeats carry.
    @discardableResult
    public func publish(_ message: WireMessage) async throws -> MessageID {
        guard let socket, !stopped else {
            throw MessagingError(code: stopped ? .stopped : .notStarted, message: "\(name): cannot publish")
        }
        let envelope = Envelope(id: ids.next(), message: message)
        let frames: [[UInt8]]
        do { frames = try WireCodec.encodePublished(envelope) } catch {
            throw MessagingError(code: .encodingFailed, message: "cannot encode \(envelope.type.name)", cause: error)
        }
        if case .agentUpdate(let update) = message { lastSequence = max(lastSequence, update.sequence) }
        do { try await socket.send(Multipart(frames)) } catch { throw transportError(error, "\(name): publish failed") }
        lastSent = .now
        return envelope.id
    }

    private func heartbeatLoop() async {
        while !stopped, !Task.isCancelled {
            if lastSent.advanced(by: heartbeatInterval) <= .now {
                _ = try? await publish(.heartbeat(Heartbeat(sender: name, sentAtMs: unixMilliseconds(), lastSequence: lastSequence)))
            }
            try? await Task.sleep(for: heartbeatInterval / 4)
        }
    }
}
