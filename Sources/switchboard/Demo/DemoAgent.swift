import AgentClient
import Logging
import Synchronization

/// A simulated agent for `switchboard up --demo`: an `AgentSession` that accepts every offer,
/// narrating what reaches it and remembering it for the scenario's checks.
final class DemoAgent: Sendable {
    struct Record {
        var welcomed = false
        var accepted: [String] = []  // conversation ids
        var messages: [String: [String]] = [:]  // conversation id -> texts
    }

    let id: String
    private let session: AgentSession
    private let say: @Sendable (String) -> Void
    private let record = Mutex(Record())

    init(id: String, secret: String, presenceHTTP: String, say: @escaping @Sendable (String) -> Void) {
        self.id = id
        self.session = AgentSession(agentID: id, secret: secret, presenceHTTP: presenceHTTP, autoAccept: true)
        self.say = say
    }

    var snapshot: Record { record.withLock { $0 } }

    func run(logger: Logger) async throws {
        let events = session.events
        async let session: Void = session.run(logger: logger)
        for await event in events {
            narrate(event)
        }
        try await session
    }

    private func narrate(_ event: AgentEvent) {
        switch event {
        case .welcome:
            record.withLock { $0.welcomed = true }
            say("agent \(id) connected to presence (available)")
        case .offer(let offer):
            say("agent \(id) ← offer of conversation \(offer.conversationID) from queue \(offer.queue); accepting")
        case .offerReplied(let conversation, let accepted, let reason):
            if accepted {
                record.withLock { $0.accepted.append(conversation) }
                say("agent \(id) ✓ conversation \(conversation) is Active with \(id)")
            } else {
                say("agent \(id) ✗ accept of \(conversation) refused: \(reason)")
            }
        case .message(let message):
            let isNew = record.withLock { record in
                guard !(record.messages[message.conversationID] ?? []).contains(message.text) else { return false }
                record.messages[message.conversationID, default: []].append(message.text)
                return true
            }
            if isNew { say("agent \(id) ← message in \(message.conversationID): \"\(message.text)\"") }
        case .replyResult(let conversation, _, let accepted, let reason):
            say(accepted
                ? "agent \(id) → reply in \(conversation) handed to the channel adapter"
                : "agent \(id) ✗ reply in \(conversation) refused: \(reason)")
        case .error(let code, let reason):
            say("agent \(id) got an error: \(code) \(reason)")
        case .presence, .offerWithdrawn, .other, .closed, .workItems, .workItemAdded, .workItemRemoved, .actionResult:
            break
        }
    }
}
