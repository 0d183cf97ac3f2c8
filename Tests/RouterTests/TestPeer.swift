import Foundation
import Wire
import ZeroMQ

/// A wait that took too long: the test fails instead of hanging.
struct TestTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` until it holds, failing after `limit`.
func eventually(_ what: String, within limit: Duration = .seconds(10), _ condition: () async -> Bool) async throws {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestTimeout(what: what)
}

/// A DEALER peer speaking Wire by hand (an ingress adapter or a distributor, as far as the
/// router can tell): it heartbeats, and keeps what it receives for the test to pick from.
actor TestPeer {
    let name: String
    private let socket: AsyncSocket
    private let ids = MessageIDGenerator()
    private var received: [Envelope] = []
    private var tasks: [Task<Void, Never>] = []
    private var reading = false

    private init(name: String, socket: AsyncSocket) {
        self.name = name
        self.socket = socket
    }

    /// `reading: false`: the peer takes in next to nothing (a one-message buffer and receive
    /// high-water mark, a small kernel buffer) until `startReading()`, so what is sent to it
    /// backs up to the sender.
    static func connect(
        _ name: String, to endpoint: String, loop: ZeroMQEventLoop, heartbeat: Duration = .milliseconds(100), reading: Bool = true
    ) async throws -> TestPeer {
        let socket = try await loop.makeSocket(.dealer, receiveBufferSize: reading ? 64 : 1) { socket in
            try socket.setRoutingID(name)
            try socket.setLinger(.zero)
            if !reading {
                try socket.setReceiveHighWaterMark(1)
                try socket.setKernelReceiveBuffer(bytes: 64 * 1024)
            }
            try socket.connect(endpoint)
        }
        let peer = TestPeer(name: name, socket: socket)
        await peer.startHeartbeats(heartbeat)
        if reading { await peer.startReading() }
        return peer
    }

    /// Starts taking in messages (once; later calls change nothing).
    func startReading() {
        guard !reading else { return }
        reading = true
        let socket = self.socket
        tasks.append(Task { [weak self] in
            do {
                for try await message in socket.messages {
                    guard let envelope = try? WireCodec.decode(frames: message.frames) else { continue }
                    if case .heartbeat = envelope.message { continue }
                    await self?.keep(envelope)
                }
            } catch {}
        })
    }

    private func startHeartbeats(_ heartbeat: Duration) {
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                _ = try? await self?.send(.heartbeat(Heartbeat(sender: "test")))
                try? await Task.sleep(for: heartbeat)
            }
        })
    }

    private func keep(_ envelope: Envelope) { received.append(envelope) }

    @discardableResult
    func send(_ message: WireMessage, id: MessageID? = nil) async throws -> MessageID {
        let envelope = Envelope(id: id ?? ids.next(), message: message)
        try await socket.send(Multipart(try WireCodec.encode(envelope)))
        return envelope.id
    }

    /// Takes the first received message `match` accepts, waiting up to `limit`.
    func next<T: Sendable>(_ what: String, within limit: Duration = .seconds(10), _ match: (Envelope) -> T?) async throws -> T {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while ContinuousClock.now < deadline {
            if let index = received.firstIndex(where: { match($0) != nil }), let value = match(received.remove(at: index)) {
                return value
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw TestTimeout(what: "\(what) at \(name)")
    }

    /// Everything received so far that `match` accepts, without waiting.
    func all<T>(_ match: (Envelope) -> T?) -> [T] { received.compactMap(match) }

    func close() async {
        for task in tasks { task.cancel() }
        tasks.removeAll()
        await socket.close(linger: .zero)
    }
}

extension Envelope {
    var submitAck: SubmitAck? { if case .submitAck(let ack) = message { ack } else { nil } }
    var ack: Ack? { if case .ack(let ack) = message { ack } else { nil } }
    var readyAccepted: ReadyAccepted? { if case .readyAccepted(let answer) = message { answer } else { nil } }
    var readyRefused: ReadyRefused? { if case .readyRefused(let answer) = message { answer } else { nil } }
    var deliver: (MessageID, Deliver)? { if case .deliver(let deliver) = message { (id, deliver) } else { nil } }
    var disconnect: Disconnect? { if case .disconnect(let disconnect) = message { disconnect } else { nil } }
}
