import Foundation
import HummingbirdWSClient
import Logging
import Synchronization

/// A simulated agent for `switchboard up --demo`: logs in over the real agent WebSocket
/// (docs/protocols/agent.md), accepts every offer and records what reaches it.
final class DemoAgent: Sendable {
    let id: String
    private let secret: String
    private let url: String
    private let say: @Sendable (String) -> Void
    private let state = Mutex(State())

    struct State {
        var welcomed = false
        var accepted: [String] = []  // conversation ids
        var messages: [String: [String]] = [:]  // conversation id -> texts
    }

    init(id: String, secret: String, presenceHTTP: String, say: @escaping @Sendable (String) -> Void) {
        self.id = id
        self.secret = secret
        self.url = "ws://\(presenceHTTP)/agent/ws"
        self.say = say
    }

    var snapshot: State { state.withLock { $0 } }

    /// Runs the agent's session until the connection ends or the task is cancelled.
    func run(logger: Logger) async throws {
        try await WebSocketClient.connect(url: url, logger: logger) { inbound, outbound, _ in
            try await outbound.write(.text(Self.json(["type": "hello", "agentId": self.id, "secret": self.secret, "presence": "available"])))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message,
                    let frame = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                    let type = frame["type"] as? String
                else { continue }
                switch type {
                case "welcome":
                    self.state.withLock { $0.welcomed = true }
                    self.say("agent \(self.id) connected to presence (available)")
                case "offer":
                    let conversation = frame["conversationId"] as? String ?? "?"
                    let queue = frame["queue"] as? String ?? "?"
                    self.say("agent \(self.id) ← offer of conversation \(conversation) from queue \(queue); accepting")
                    if let offer = frame["offerId"] as? String {
                        try await outbound.write(.text(Self.json(["type": "accept", "offerId": offer])))
                    }
                case "offerReplied":
                    let conversation = frame["conversationId"] as? String ?? "?"
                    if frame["outcome"] as? String == "accepted" {
                        self.state.withLock { $0.accepted.append(conversation) }
                        self.say("agent \(self.id) ✓ conversation \(conversation) is Active with \(self.id)")
                    } else {
                        self.say("agent \(self.id) ✗ accept of \(conversation) refused: \(frame["reason"] as? String ?? "")")
                    }
                case "message":
                    let conversation = frame["conversationId"] as? String ?? "?"
                    let text = frame["text"] as? String ?? ""
                    let isNew = self.state.withLock { state in
                        guard !(state.messages[conversation] ?? []).contains(text) else { return false }
                        state.messages[conversation, default: []].append(text)
                        return true
                    }
                    if isNew { self.say("agent \(self.id) ← message in \(conversation): \"\(text)\"") }
                case "error":
                    self.say("agent \(self.id) got an error: \(frame["code"] as? String ?? "") \(frame["reason"] as? String ?? "")")
                default:
                    continue
                }
            }
        }
    }

    static func json(_ object: [String: String]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
