import Foundation
import HummingbirdWSClient
import JSONText
import Logging
import Synchronization

/// A client of the agent protocol (docs/protocols/agent.md) over the real WebSocket: what the
/// demo's simulated agents, the benchmarks and the integration tests use to be an agent.
///
/// `run()` connects, says `hello`, and turns every server frame into an `AgentEvent` on
/// `events`; `send(_:)` writes a frame while connected. With `autoAccept`, every offer is
/// accepted as soon as it arrives (the demo's behaviour).
public final class AgentSession: Sendable {
    public let agentID: String
    private let secret: String
    private let url: String
    private let presence: String
    private let autoAccept: Bool
    private let writer = Mutex<WebSocketOutboundWriter?>(nil)
    private let eventStream: AsyncStream<AgentEvent>
    private let eventContinuation: AsyncStream<AgentEvent>.Continuation

    /// - Parameter presenceHTTP: presence's `host:port` (`processes.presence.http`).
    public init(agentID: String, secret: String, presenceHTTP: String, presence: String = "available", autoAccept: Bool = false) {
        self.agentID = agentID
        self.secret = secret
        self.url = "ws://\(presenceHTTP)/agent/ws"
        self.presence = presence
        self.autoAccept = autoAccept
        (eventStream, eventContinuation) = AsyncStream.makeStream(of: AgentEvent.self, bufferingPolicy: .bufferingNewest(10_000))
    }

    /// Every event of the session, in order; ends when `run()` returns.
    public var events: AsyncStream<AgentEvent> { eventStream }

    /// Connects and serves the session until the server closes it or the task is cancelled.
    ///
    /// Gives up when the server has not answered within `handshakeTimeout` of the start: the
    /// WebSocket client's connect never returns when the connection closes during the HTTP
    /// upgrade (found by `switchboard chaos`: an agent that reconnected just as presence was
    /// killed waited for good), so the connection runs in a task of its own that this call
    /// abandons (cancelled) rather than waits for. That task runs on `executor` (a new task
    /// does not inherit its caller's preference): the bench's agents share one thread.
    public func run(
        logger: Logger = Logger(label: "agent-session"), handshakeTimeout: Duration = .seconds(10), executor: (any TaskExecutor)? = nil
    ) async throws {
        defer {
            writer.withLock { $0 = nil }
            eventContinuation.yield(.closed)
            eventContinuation.finish()
        }
        let (ends, end) = AsyncStream.makeStream(of: Result<Void, any Error>.self)
        let answered = AnsweredFlag()
        let connection = Task(executorPreference: executor) {
            do {
                try await self.connect(logger: logger) { answered.value.store(true, ordering: .relaxed) }
                end.yield(.success(()))
            } catch {
                end.yield(.failure(error))
            }
        }
        let watchdog = Task {
            guard (try? await Task.sleep(for: handshakeTimeout)) != nil, !answered.value.load(ordering: .relaxed) else { return }
            end.yield(.failure(AgentSessionError.handshakeTimedOut))
        }
        defer {
            watchdog.cancel()
            connection.cancel()
        }
        // Ends with the first outcome, or at once when this task is cancelled.
        for await outcome in ends { return try outcome.get() }
        throw CancellationError()
    }

    private func connect(logger: Logger, onFirstFrame: @escaping @Sendable () -> Void) async throws {
        try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
            self.writer.withLock { $0 = outbound }
            try await outbound.write(.text(self.hello()))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                onFirstFrame()
                guard case .text(let text) = message else { continue }
                let (event, carried) = AgentEvent.decode(frame: text)
                // An accept's `offerReplied` repeats the messages the offer carried: the
                // conversation's first ones (agent.md), handed on as `message` events right
                // after it, where they came before offers carried them.
                for event in [event] + carried.map(AgentEvent.message) {
                    self.eventContinuation.yield(event)
                    // Receipts (agent.md): presence acknowledges a customer message only once we have it.
                    if case .message(let customer) = event {
                        try await outbound.write(.text(AgentFrame.received(conversationID: customer.conversationID, sequence: customer.sequence)))
                    }
                }
                if self.autoAccept, case .offer(let offer) = event {
                    try await outbound.write(.text(AgentFrame.encode(["type": "accept", "offerId": offer.offerID])))
                }
            }
        }
    }


    /// Writes one frame (e.g. `["type": "accept", "offerId": id]`). Fails when not connected.
    public func send(_ frame: [String: String]) async throws {
        guard let writer = writer.withLock({ $0 }) else { throw AgentSessionError.notConnected }
        try await writer.write(.text(AgentFrame.encode(frame)))
    }

    public func accept(offerID: String) async throws { try await send(["type": "accept", "offerId": offerID]) }
    public func reject(offerID: String) async throws { try await send(["type": "reject", "offerId": offerID]) }

    /// Takes an open work item (D2, D3); answered by `actionResult`.
    public func pick(conversationID: String, queue: String) async throws {
        try await send(["type": "pick", "conversationId": conversationID, "queue": queue])
    }

    /// `release`, `hold`, `wrapUp` or `close` on a conversation this agent holds; answered by `actionResult`.
    public func act(_ action: String, conversationID: String) async throws {
        try await send(["type": action, "conversationId": conversationID])
    }

    /// Transfers a conversation this agent holds to a queue or to another agent (D8).
    public func transfer(conversationID: String, toQueue queue: String? = nil, toAgent agent: String? = nil) async throws {
        var frame = ["type": "transfer", "conversationId": conversationID]
        if let queue { frame["targetQueue"] = queue }
        if let agent { frame["targetAgentId"] = agent }
        try await send(frame)
    }

    /// Writes to the customer of a conversation this agent holds (M1); answered by `replyResult`.
    /// `clientMessageID` makes a resend of the same message reach the customer once.
    public func reply(conversationID: String, text: String, clientMessageID: String? = nil) async throws {
        var frame = ["type": "reply", "conversationId": conversationID, "text": text]
        if let clientMessageID { frame["clientMessageId"] = clientMessageID }
        try await send(frame)
    }
}

/// Whether the server has sent anything on a connection (shared by its task and the watchdog).
private final class AnsweredFlag: Sendable {
    let value = Atomic<Bool>(false)
}

public enum AgentSessionError: Error, Sendable {
    case notConnected
    /// The server did not answer the connection within the handshake time.
    case handshakeTimedOut
}

enum AgentFrame {
    static func encode(_ fields: [String: String]) -> String { JSONValue.object(fields.mapValues(JSONValue.string)).text }

    static func received(conversationID: String, sequence: Int) -> String {
        JSONValue.object(["type": "received", "conversationId": .string(conversationID), "sequence": .integer(Int64(sequence))]).text
    }
}

extension AgentSession {
    /// The first frame: credentials, the presence to take, and receipts on.
    fileprivate func hello() -> String {
        JSONValue.object([
            "type": "hello", "agentId": .string(agentID), "secret": .string(secret), "presence": .string(presence), "receipts": .bool(true),
        ]).text
    }
}
