import Foundation
import Hummingbird
import HummingbirdWSClient
import HummingbirdWSTesting
import HummingbirdWebSocket
import Logging
import ProcessRuntime
import Prometheus
import Storage
import Synchronization
import SwitchboardCore
import Testing
import Wire

@testable import Ingress

/// The chat adapter's parts over real stores in a temporary directory: the outbox and its
/// recorder, the reply outbox with its dispatcher (not running unless a test starts it), the
/// visitor store, and an application serving the widget routes and the WebSocket.
/// The shipped configuration's `web-chat` is the channel (work stream `retail-chat`:
/// customerTier text, orderTotal number, topic text).
struct ChatFixture: Sendable {
    let directory = TemporaryDirectory()
    let registry = PrometheusCollectorRegistry()
    let outbox: OutboxStore
    let replyStore: ReplyOutboxStore
    let hub: ChatHub
    let dispatcher: ReplyDispatcher
    let intake: ReplyIntake
    let sender: ChatReplySender
    let parts: WebSocketAdapterParts
    let adapter: ChatChannelAdapter

    /// `backoff`: the dispatcher's first retry wait (long, so only a wake-up sends sooner).
    init(helloTimeout: Duration = .seconds(5), backoff: Duration = .seconds(60)) throws {
        let configuration = try TestConfiguration.shipped()
        let data = try DataDirectory(path: directory.url.path, process: "ingress-chat")
        outbox = try OutboxStore(directory: data)
        replyStore = try ReplyOutboxStore(directory: data)
        hub = ChatHub(configuration: configuration, store: try ChatVisitorStore(directory: data))
        let factory = PrometheusMetricsFactory(registry: registry)
        let metrics = IngressMetrics(channelType: .chat, factory: factory)
        let ids = MessageIDGenerator()
        let logger = Logger(label: "chat-test")
        let recorder = InboundRecorder(store: outbox, ids: ids, metrics: metrics, stored: OutboxSignal())
        let replyMetrics = ReplyMetrics(channelType: .chat, factory: factory)
        let replyStored = WakeSignal()
        sender = ChatReplySender(hub: hub)
        dispatcher = ReplyDispatcher(
            store: replyStore, sender: sender, stored: replyStored, metrics: replyMetrics,
            settings: .init(initialBackoff: backoff, maximumBackoff: backoff), logger: logger)
        intake = ReplyIntake(
            store: replyStore, channelType: .chat, channels: ["web-chat", "help-center-chat"], ids: ids, stored: replyStored,
            metrics: replyMetrics, logger: logger)
        parts = WebSocketAdapterParts(recorder: recorder, metrics: metrics, replies: dispatcher, logger: logger)
        adapter = ChatChannelAdapter(hub: hub, helloTimeout: helloTimeout)
    }

    func remove() { directory.remove() }

    var application: some ApplicationProtocol {
        let endpoints = IngressEndpoints(adapter: adapter, recorder: parts.recorder, metrics: parts.metrics, logger: Logger(label: "chat-test"))
        let router = IngressHTTPServer.router(endpoints: endpoints, process: "ingress-chat", registry: registry) {
            HealthReport(healthy: true, checks: [:])
        }
        return IngressHTTPServer.application(
            router: router, address: HTTPAddress(host: "127.0.0.1", port: 0), process: "ingress-chat",
            webSocket: adapter.webSocketUpgrade(parts), logger: Logger(label: "chat-test"))
    }

    /// The Submits in the outbox, in order.
    func storedMessages() async throws -> [InboundMessage] {
        try await outbox.allRows().map { row in
            guard case .submit(let submit) = try OutboxCodec.envelope(row).message else { throw ChatTestError.notASubmit }
            return submit.message
        }
    }

    /// An agent reply as the router hands it to the adapter.
    static func reply(to visitorKey: String, text: String, agent: String = "ada", conversation: String = "conv-1") -> AgentReply {
        AgentReply(
            conversationID: conversation, channelInstanceID: "web-chat", channelType: "chat", customerAddress: visitorKey,
            agentID: agent, text: text)
    }
}

enum ChatTestError: Error { case notASubmit, notText, notAnObject(String) }

/// A value the test and its socket handlers share.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value {
        get { mutex.withLock { $0 } }
        set { mutex.withLock { $0 = newValue } }
    }
}

/// Frames from the server as JSON objects.
struct ChatFrames {
    var iterator: WebSocketInboundMessageStream.AsyncIterator

    init(_ inbound: WebSocketInboundStream) {
        iterator = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
    }

    /// The next frame; nil when the server closed.
    mutating func next() async throws -> [String: Any]? {
        guard let message = try await iterator.next() else { return nil }
        guard case .text(let text) = message else { throw ChatTestError.notText }
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw ChatTestError.notAnObject(text)
        }
        return object
    }

    /// What a visitor does first: `hello` (with `token`), then the pre-chat form; the issued token.
    @discardableResult
    mutating func begin(_ outbound: WebSocketOutboundWriter, token: String? = nil) async throws -> String {
        try await outbound.send(ChatVisitor.hello(token: token))
        let issued = try await expect("welcome")["visitorToken"] as? String ?? ""
        try await outbound.send(ChatVisitor.start)
        _ = try await expect("started")
        return issued
    }

    /// The next frame, which must be of `type`.
    mutating func expect(_ type: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let frame = try #require(try await next(), "connection closed while waiting for \(type)", sourceLocation: sourceLocation)
        #expect(frame["type"] as? String == type, "\(frame)", sourceLocation: sourceLocation)
        return frame
    }
}

extension WebSocketOutboundWriter {
    func send(_ object: [String: Any]) async throws {
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        try await write(.text(String(decoding: data, as: UTF8.self)))
    }

    func send(text: String) async throws { try await write(.text(text)) }
}

/// The client side of the chat protocol for tests.
enum ChatVisitor {
    static var hello: [String: Any] { ["type": "hello", "pageUrl": "https://shop.northwind.example/cart?id=7", "locale": "en-GB"] }

    static func hello(token: String?) -> [String: Any] {
        var frame = hello
        frame["visitorToken"] = token
        return frame
    }

    static var start: [String: Any] {
        [
            "type": "start", "name": "Ada Example", "email": "ada@example.com",
            "answers": ["customerTier": "gold", "orderTotal": "120.5", "topic": "invoice"],
        ]
    }

    static func message(_ id: String, _ text: String = "Where is my order?") -> [String: Any] {
        ["type": "message", "clientMessageId": id, "text": text]
    }

    /// A configuration for a test client whose frames may exceed the default 16 KiB.
    static let client = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
}
