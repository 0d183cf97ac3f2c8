import Foundation
import Logging
import Messaging
import SwitchboardCore
import SwitchboardTestSupport
import Wire
import ZeroMQ

/// A bound ROUTER socket playing the router or presence, speaking raw wire frames.
struct FakeRouterPeer: Sendable {
    let socket: AsyncSocket
    let endpoint: String

    static func bind(_ loop: ZeroMQEventLoop, at endpoint: String = "tcp://127.0.0.1:*") async throws -> FakeRouterPeer {
        let socket = try await loop.makeSocket(.router) { socket in try socket.bind(endpoint) }
        return FakeRouterPeer(socket: socket, endpoint: try await socket.lastEndpoint())
    }

    /// The next non-heartbeat message and who sent it.
    func receive(_ what: String, within limit: Duration = .seconds(10)) async throws -> (peer: [UInt8], envelope: Envelope) {
        let socket = self.socket
        return try await withTimeout(limit, what) {
            var iterator = socket.messages.makeAsyncIterator()
            while let message = try await iterator.next() {
                let envelope = try WireCodec.decode(frames: message.frames.dropFirst())
                if case .heartbeat = envelope.message { continue }
                return (message.frames[0], envelope)
            }
            throw TimeoutError(what: "\(what): socket closed", limit: limit)
        }
    }

    /// Receives until a message `match` accepts; the others are dropped.
    func receive<T: Sendable>(
        _ what: String, within limit: Duration = .seconds(10), _ match: @escaping @Sendable (WireMessage) -> T?
    ) async throws -> (peer: [UInt8], envelope: Envelope, value: T) {
        let deadline = ContinuousClock.now + limit
        while true {
            let (peer, envelope) = try await receive(what, within: deadline - .now)
            if let value = match(envelope.message) { return (peer, envelope, value) }
        }
    }

    func send(_ message: WireMessage, to peer: [UInt8], ids: MessageIDGenerator) async throws {
        try await socket.send(Multipart([peer] + WireCodec.encode(Envelope(id: ids.next(), message: message))))
    }
}

/// Presence's PUB socket.
struct FakePublisher: Sendable {
    let socket: AsyncSocket
    let endpoint: String

    static func bind(_ loop: ZeroMQEventLoop) async throws -> FakePublisher {
        let socket = try await loop.makeSocket(.pub) { socket in try socket.bind("tcp://127.0.0.1:*") }
        return FakePublisher(socket: socket, endpoint: try await socket.lastEndpoint())
    }

    func publish(_ message: WireMessage, ids: MessageIDGenerator) async throws {
        try await socket.send(Multipart(WireCodec.encodePublished(Envelope(id: ids.next(), message: message))))
    }
}

enum DistributorFixture {
    static let logger: Logger = {
        var logger = Logger(label: "distributor-tests")
        logger.logLevel = .critical
        return logger
    }()

    /// The shipped configuration (distributor-1 owns vip and billing).
    /// `edits` replace text of the file first (e.g. a shorter offer timeout).
    static func configuration(_ edits: [(String, String)] = []) throws -> SwitchboardConfiguration {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("config/switchboard.yaml").path
        var yaml = try String(contentsOfFile: path, encoding: .utf8)
        for (old, new) in edits { yaml = yaml.replacingOccurrences(of: old, with: new) }
        return try ConfigurationLoader.load(yaml: yaml, file: path).get().configuration
    }

    static func deliver(
        _ conversationID: String, kind: DeliveryKind, sequence: UInt64, text: String, queue: String = "vip"
    ) -> WireMessage {
        .deliver(Deliver(
            conversationID: conversationID, workStream: "retail-chat", queue: queue, kind: kind,
            message: InboundMessage(
                channelInstanceID: "web-chat", channelType: "chat", providerMessageID: "p-\(sequence)",
                customerAddress: "customer-1", text: text),
            conversationSequence: sequence))
    }
}
