import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Presence
import Storage
import SwitchboardCore
import Synchronization
import Testing
import Wire

/// The shipped configuration (agents ada, grace, linus, margaret; custom presences).
enum PresenceFixture {
    static let secrets = [
        "SWITCHBOARD_AGENT_ADA_SECRET": "ada-secret",
        "SWITCHBOARD_AGENT_GRACE_SECRET": "grace-secret",
        // linus's variable is missing on purpose: only his logins are refused.
        "SWITCHBOARD_AGENT_MARGARET_SECRET": "margaret-secret",
    ]

    static func configuration() throws -> SwitchboardConfiguration {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent("config/switchboard.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try ConfigurationLoader.load(yaml: text, file: path).get().configuration
    }

    static func temporaryDirectory() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-presence-\(UUID().uuidString)")
    }
}

/// Records what the coordinator sends to distributors and publishes.
actor OutletRecorder {
    private(set) var published: [WireMessage] = []
    private(set) var sent: [Envelope] = []
    private(set) var reliable: [Envelope] = []
    /// The distributor each of `reliable` went to.
    private(set) var reliablePeers: [DistributorPeer] = []
    /// The type of everything published or sent, in the order it went out.
    private(set) var order: [MessageType] = []

    nonisolated var outlets: PresenceOutlets {
        PresenceOutlets(
            publish: { message in await self.publish(message) },
            send: { envelope, _ in await self.send(envelope) },
            sendReliably: { envelope, peer in await self.sendReliably(envelope, to: peer) })
    }

    private func publish(_ message: WireMessage) {
        published.append(message)
        order.append(message.type)
    }
    private func send(_ envelope: Envelope) {
        sent.append(envelope)
        order.append(envelope.type)
    }
    private func sendReliably(_ envelope: Envelope, to peer: DistributorPeer) {
        reliable.append(envelope)
        order.append(envelope.type)
        reliablePeers.append(peer)
    }

    /// Waits (bounded) until `condition` holds.
    func wait(timeout: Duration = .seconds(5), _ condition: @Sendable (isolated OutletRecorder) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

struct PresenceHarness {
    let directory: URL
    let coordinator: PresenceCoordinator
    let recorder: OutletRecorder
    let configuration: SwitchboardConfiguration

    init(
        directory: URL = PresenceFixture.temporaryDirectory(), recorder: OutletRecorder = OutletRecorder(),
        now: @escaping @Sendable () -> Int64 = AgentTime.nowMs
    ) throws {
        self.directory = directory
        self.recorder = recorder
        configuration = try PresenceFixture.configuration()
        let store = try ReservationStore.open(path: DataDirectory(path: directory.path, process: "presence").storePath("reservations"))
        coordinator = try PresenceCoordinator(
            configuration: configuration, store: store,
            credentials: AgentCredentials(agents: configuration.agents, environment: PresenceFixture.secrets),
            outlets: recorder.outlets, ids: MessageIDGenerator(), logger: Logger(label: "test.presence"), now: now)
    }

    func application(helloTimeout: Duration = .seconds(5)) -> some ApplicationProtocol {
        Self.application(coordinator: coordinator, helloTimeout: helloTimeout)
    }

    /// The agent WebSocket and HTTP API of `coordinator` on a free loopback port.
    static func application(coordinator: PresenceCoordinator, helloTimeout: Duration = .seconds(5)) -> some ApplicationProtocol {
        let router = Router(context: BasicWebSocketRequestContext.self)
        AgentRoutes.add(to: router, coordinator: coordinator, helloTimeout: helloTimeout, logger: Logger(label: "test.presence"))
        return Application(
            router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

/// Reads JSON text frames off a client WebSocket.
struct FrameReader {
    var iterator: WebSocketInboundMessageStream.AsyncIterator

    init(_ inbound: WebSocketInboundStream) {
        iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
    }

    /// The next frame as a JSON object; nil when the connection closed.
    mutating func next() async throws -> [String: Any]? {
        guard let message = try await iterator.next() else { return nil }
        guard case .text(let text) = message else { throw FrameError.notText }
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { throw FrameError.notObject(text) }
        return object
    }

    /// Skips frames until one of `type` arrives.
    mutating func next(type: String) async throws -> [String: Any]? {
        while let frame = try await next() {
            if frame["type"] as? String == type { return frame }
        }
        return nil
    }

    /// Skips frames until one matches.
    mutating func next(where matches: ([String: Any]) -> Bool) async throws -> [String: Any]? {
        while let frame = try await next() {
            if matches(frame) { return frame }
        }
        return nil
    }

    enum FrameError: Error { case notText, notObject(String) }
}

extension WebSocketOutboundWriter {
    func send(_ json: String) async throws { try await write(.text(json)) }
}

/// A clock the test moves by hand (ms since the epoch).
final class ManualClock: Sendable {
    private let value: Mutex<Int64>
    init(_ start: Int64 = 1_700_000_000_000) { value = Mutex(start) }
    var now: @Sendable () -> Int64 { { self.value.withLock { $0 } } }
    func advance(by duration: Duration) { value.withLock { $0 += duration.components.seconds * 1000 } }
}
