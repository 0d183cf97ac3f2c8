import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Ingress
import Logging
import NIOCore
import ProcessRuntime
import Storage
import SwitchboardCore
import Synchronization
import Wire

/// The chat widget's WebSocket (docs/channels/chat.md) over a real loopback socket: the
/// adapter process's own server and upgrade decision. Sessions of valid and mutated frames,
/// fresh sockets with mutated hellos, and upgrades from origins the channel does not allow.
/// Every frame must get exactly one answer, and only frames answered `ack` store a row.
struct ChatSocketFuzzTarget: FuzzTarget {
    let name = "chat-socket"
    let about = "WS /chat/web-chat/ws: hello, start and message frames, mutated, binary, oversized; foreign origins"

    /// What the server answered to one frame, and how many rows that frame added.
    struct Exchange: Sendable {
        var input: String
        var type: String?
        var code: String?
        var duplicate: Bool?
        var stored: Int
    }

    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        let directory = FuzzDirectory()
        defer { directory.remove() }
        let data = try directory.data(process: "ingress-chat")
        let outbox = try OutboxStore(directory: data)
        let hub = ChatHub(configuration: try FuzzConfiguration.load(), store: try ChatVisitorStore(directory: data))
        let metrics = CountingMetrics()
        let ingressMetrics = IngressMetrics(channelType: .chat, factory: metrics)
        let recorder = InboundRecorder(store: outbox, ids: MessageIDGenerator(), metrics: ingressMetrics, stored: OutboxSignal())
        let parts = WebSocketAdapterParts(recorder: recorder, metrics: ingressMetrics, replies: nil, logger: logger)
        let adapter = ChatChannelAdapter(hub: hub, helloTimeout: .seconds(30))
        let router = Router()
        IngressEndpoints(adapter: adapter, recorder: recorder, metrics: ingressMetrics, logger: logger).register(on: router)
        let application = IngressHTTPServer.application(
            router: router, address: HTTPAddress(host: "127.0.0.1", port: 0), process: "ingress-chat",
            webSocket: adapter.webSocketUpgrade(parts), logger: logger)
        let start = ContinuousClock.now
        let name = self.name
        var tally = try await application.test(.live) { client in
            guard let port = client.port else { throw FuzzError("the chat server reported no port") }
            let url = "ws://127.0.0.1:\(port)/chat/web-chat/ws"
            var random = SplitMix64(seed: seed)
            var tally = FuzzTally(target: name, seed: seed)
            var messageNumber = 0
            var session = 0
            while tally.inputs < iterations {
                session += 1
                let replay = "replay: switchboard fuzz --target \(name) --seed \(seed) (session \(session))"
                switch random.index(100) {
                case 0:
                    // An upgrade from a page the channel does not allow: refused, nothing opened.
                    tally.inputs += 1
                    let origin = random.pick(["https://evil.example", "null", "https://www.northwind.example.evil.test", "http://www.northwind.example"])
                    var configuration = WebSocketClientConfiguration()
                    configuration.additionalHeaders[.origin] = origin
                    let opened = Mutex(false)
                    do {
                        try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { _, _, _ in
                            opened.withLock { $0 = true }
                        }
                    } catch {
                        tally.answer("refused-upgrade")
                    }
                    if opened.withLock({ $0 }) {
                        tally.violations += 1
                        tally.find("a socket from origin \(origin) was opened (\(replay))")
                    }
                case 1..<4:
                    // A fresh socket whose hello is mutated: welcomed or refused and closed.
                    let hello = ChatFrames.text(JSONMutator.mutate(Array(ChatFrames.hello.utf8), &random))
                    let mutated = random.chance(1, in: 2) ? hello : ChatFrames.text(ByteMutator.mutate(Array(hello.utf8), &random))
                    await Self.run([.text(mutated)], url: url, metrics: metrics, logger: logger, into: &tally, replay: replay)
                default:
                    let count = min(iterations - tally.inputs, 1 + random.index(600))
                    var frames: [ChatFrames.Frame] = [.text(ChatFrames.hello)]
                    if random.chance(9, in: 10) { frames.append(.text(ChatFrames.start)) }
                    while frames.count < count {
                        messageNumber += 1
                        frames.append(ChatFrames.frame(&random, messageNumber: messageNumber))
                    }
                    if random.chance(1, in: 20) {
                        // Over the 64 KiB frame limit: the socket closes (1009) without an answer.
                        frames.append(.text(String(repeating: "x", count: 70_000)))
                    }
                    await Self.run(frames, url: url, metrics: metrics, logger: logger, into: &tally, replay: replay)
                }
            }
            return tally
        }
        try await tally.settle(outbox: outbox, metrics: metrics, channelType: .chat)
        tally.elapsedSeconds = (ContinuousClock.now - start).seconds
        return tally
    }

    /// One session: its frames are the inputs (those sent before the server closed).
    static func run(
        _ frames: [ChatFrames.Frame], url: String, metrics: CountingMetrics, logger: Logger, into tally: inout FuzzTally, replay: String
    ) async {
        do {
            let exchanges = try await session(url: url, frames: frames, metrics: metrics, logger: logger)
            tally.inputs += max(exchanges.count, 1)
            check(exchanges, into: &tally, replay: replay)
        } catch {
            tally.inputs += 1
            tally.crashes += 1
            tally.find("a chat session failed: \(error) (\(replay))")
        }
    }

    /// Checks each frame's answer: `welcome` (or a refusal) to the first, then exactly one of
    /// `error`, `started`, `ack`; rows only for a new `ack`.
    static func check(_ exchanges: [Exchange], into tally: inout FuzzTally, replay: String) {
        for (index, exchange) in exchanges.enumerated() {
            guard let type = exchange.type else {
                // The socket closed instead of answering: only after a refused hello or an oversized frame.
                tally.answer("closed")
                if exchange.input != "oversized" && !(index > 0 && exchanges[index - 1].type == "error" && exchanges[index - 1].code.map(helloCodes.contains) == true) {
                    tally.crashes += 1
                    tally.find("the socket closed instead of answering frame \(index) \(exchange.input.prefix(120)) (\(replay))")
                }
                continue
            }
            tally.answer(exchange.code.map { "\(type):\($0)" } ?? type)
            let expected: Set<String> = index == 0 ? ["welcome", "error"] : ["error", "started", "ack"]
            if !expected.contains(type) {
                tally.violations += 1
                tally.find("frame \(index) was answered \(type) (\(replay))")
            }
            if type == "ack" || type == "welcome" || type == "started" { tally.accepted += 1 }
            let storesRow = type == "ack" && exchange.duplicate == false
            if exchange.stored > 0 && !storesRow {
                tally.storedUnsigned += exchange.stored
                tally.find("frame \(index) answered \(type) stored \(exchange.stored) rows: \(exchange.input.prefix(120)) (\(replay))")
            } else if storesRow && exchange.stored != 1 {
                tally.violations += 1
                tally.find("frame \(index) was acknowledged but stored \(exchange.stored) rows (\(replay))")
            } else {
                tally.storedSigned += exchange.stored
            }
        }
    }

    static let helloCodes: Set<String> = ["helloRequired", "invalidToken"]

    /// Opens one socket, sends `frames` one at a time and reads the answer to each; stops
    /// when the server closes.
    static func session(url: String, frames: [ChatFrames.Frame], metrics: CountingMetrics, logger: Logger) async throws -> [Exchange] {
        let exchanges = Mutex<[Exchange]>([])
        var configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 20)
        configuration.additionalHeaders[.origin] = FuzzConfiguration.chatOrigin
        let counter = "switchboard_ingress_accepted_total"
        let type = [("channel_type", "chat")]
        try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { inbound, outbound, _ in
            var answers = inbound.messages(maxSize: 1 << 22).makeAsyncIterator()
            for frame in frames {
                let before = metrics.value(counter, type)
                let shown: String
                switch frame {
                case .text(let text):
                    shown = text.utf8.count > 65_536 ? "oversized" : text
                    try await outbound.write(.text(text))
                case .binary(let bytes):
                    shown = "binary \(bytes.count) bytes"
                    try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                }
                var exchange = Exchange(input: shown, stored: 0)
                let answer: WebSocketMessage?
                do { answer = try await answers.next() } catch { answer = nil }
                if case .text(let text)? = answer, case .object(let fields)? = JSONTree(parsing: Array(text.utf8)) {
                    func field(_ name: String) -> JSONTree? { fields.last { $0.key == name }?.value }
                    if case .string(let value)? = field("type") { exchange.type = value }
                    if case .string(let value)? = field("code") { exchange.code = value }
                    if case .raw(let value)? = field("duplicate") { exchange.duplicate = value == "true" }
                }
                exchange.stored = Int(metrics.value(counter, type) - before)
                exchanges.withLock { $0.append(exchange) }
                if answer == nil { return }
            }
            try await outbound.close(.normalClosure, reason: nil)
        }
        return exchanges.withLock { $0 }
    }
}

/// A target that could not be set up.
struct FuzzError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
