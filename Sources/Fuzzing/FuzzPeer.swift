import Foundation
import Wire
import ZeroMQ

/// One end of a Wire link as the fuzzer plays it against a service running in process: a
/// DEALER with a routing id connected to the service (an ingress adapter, a distributor), or
/// a bound ROUTER the service connects to (the router, presence, as a distributor sees them).
/// It heartbeats like a real peer, answers what a real peer always answers (`answer`), and
/// keeps everything else it receives for the target to check.
actor FuzzPeer {
    let name: String
    private let socket: AsyncSocket
    /// A ROUTER's frames start with the peer's routing id: the service's, once it has spoken.
    private let routed: Bool
    private var serviceID: [UInt8]?
    private var received: [Envelope] = []
    private var tasks: [Task<Void, Never>] = []

    private init(name: String, socket: AsyncSocket, routed: Bool) {
        self.name = name
        self.socket = socket
        self.routed = routed
    }

    /// A DEALER named `name` connected to `endpoint`.
    static func connect(
        _ name: String, to endpoint: String, loop: ZeroMQEventLoop, answer: @escaping @Sendable (Envelope) -> WireMessage? = { _ in nil }
    ) async throws -> FuzzPeer {
        let socket = try await loop.makeSocket(.dealer, receiveBufferSize: 1024) { socket in
            try socket.setRoutingID(name)
            try socket.setLinger(.zero)
            try socket.connect(endpoint)
        }
        let peer = FuzzPeer(name: name, socket: socket, routed: false)
        await peer.start(answer: answer)
        return peer
    }

    /// A ROUTER bound on a free loopback port; `endpoint` is where the service connects.
    static func bind(
        _ name: String, loop: ZeroMQEventLoop, answer: @escaping @Sendable (Envelope) -> WireMessage? = { _ in nil }
    ) async throws -> (FuzzPeer, endpoint: String) {
        let socket = try await loop.makeSocket(.router, receiveBufferSize: 1024) { socket in
            try socket.setLinger(.zero)
            try socket.bind("tcp://127.0.0.1:*")
        }
        let peer = FuzzPeer(name: name, socket: socket, routed: true)
        await peer.start(answer: answer)
        return (peer, try await socket.lastEndpoint())
    }

    private func start(answer: @escaping @Sendable (Envelope) -> WireMessage?) {
        let socket = self.socket
        let routed = self.routed
        tasks.append(Task { [weak self] in
            do {
                for try await message in socket.messages {
                    let frames = routed ? message.frames.dropFirst() : message.frames[...]
                    guard let envelope = try? WireCodec.decode(frames: frames) else { continue }
                    if routed, let first = message.frames.first { await self?.heard(from: first) }
                    if case .heartbeat = envelope.message { continue }
                    if let reply = answer(envelope) { _ = try? await self?.send(reply) }
                    await self?.keep(envelope)
                }
            } catch {}
        })
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                _ = try? await self?.send(.heartbeat(Heartbeat(sender: "fuzz")))
                try? await Task.sleep(for: .milliseconds(100))
            }
        })
    }

    private func heard(from id: [UInt8]) { serviceID = id }
    private func keep(_ envelope: Envelope) { received.append(envelope) }

    /// Sends `message` in an envelope with `id` (a fresh one when nil); false when a ROUTER
    /// has not heard from the service yet.
    @discardableResult
    func send(_ message: WireMessage, id: MessageID? = nil) async throws -> Bool {
        try await send(frames: WireCodec.encode(Envelope(id: id ?? MessageID(prefix: 0xF0, counter: UInt64.random(in: 0...UInt64.max)), message: message)))
    }

    @discardableResult
    func send(frames: [[UInt8]]) async throws -> Bool {
        if routed {
            guard let serviceID else { return false }
            try await socket.send(Multipart([serviceID] + frames))
        } else {
            try await socket.send(Multipart(frames))
        }
        return true
    }

    var hasHeardFromService: Bool { serviceID != nil }

    /// Takes everything received so far.
    func drain() -> [Envelope] {
        defer { received.removeAll() }
        return received
    }

    /// Waits up to `limit` for a message `match` accepts and takes it (the others stay).
    func next<T: Sendable>(within limit: Duration, _ match: (Envelope) -> T?) async -> T? {
        let deadline = ContinuousClock.now.advanced(by: limit)
        repeat {
            if let index = received.firstIndex(where: { match($0) != nil }), let value = match(received.remove(at: index)) {
                return value
            }
            try? await Task.sleep(for: .milliseconds(1))
        } while ContinuousClock.now < deadline
        return nil
    }

    func close() async {
        for task in tasks { task.cancel() }
        tasks.removeAll()
        await socket.close(linger: .zero)
    }
}
