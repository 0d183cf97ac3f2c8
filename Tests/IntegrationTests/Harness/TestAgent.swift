import AgentClient
import Logging
import SwitchboardTestSupport

/// An agent connected to the running presence for the length of a test: its session runs
/// in the background and every event is kept, so a test can wait for what it expects.
final class TestAgent: Sendable {
    let session: AgentSession
    private let events = MutexBox<[AgentEvent]>([])
    private let task: MutexBox<Task<Void, Never>?> = MutexBox(nil)

    init(_ agentID: String, secret: String, system: RunningSystem, autoAccept: Bool = false) {
        session = AgentSession(agentID: agentID, secret: secret, presenceHTTP: system.presenceHTTP, autoAccept: autoAccept)
    }

    /// Connects (retrying while presence is not up yet) and waits for `welcome`.
    func connect(within limit: Duration = .seconds(15)) async throws {
        let session = self.session
        let events = self.events
        let stream = session.events
        task.withLock {
            $0 = Task {
                async let run: Void = session.run(logger: Logger(label: "test-agent"))
                for await event in stream { events.withLock { $0.append(event) } }
                _ = try? await run
            }
        }
        try await waitFor("welcome", within: limit) { $0.contains { if case .welcome = $0 { true } else { false } } }
    }

    func disconnect() {
        task.withLock { $0?.cancel() }
    }

    var all: [AgentEvent] { events.withLock { $0 } }

    var offers: [AgentEvent.Offer] {
        all.compactMap { if case .offer(let offer) = $0 { offer } else { nil } }
    }

    var activeConversations: [String] {
        all.compactMap { if case .offerReplied(let id, true, _) = $0 { id } else { nil } }
    }

    var messages: [AgentEvent.Message] {
        all.compactMap { if case .message(let message) = $0 { message } else { nil } }
    }

    /// Waits until `condition` holds for the events so far; fails with them after `limit`.
    func waitFor(_ what: String, within limit: Duration = .seconds(20), _ condition: @escaping @Sendable ([AgentEvent]) -> Bool) async throws {
        let events = self.events
        let agent = session.agentID
        do {
            try await withTimeout(limit, "agent \(agent): \(what)") {
                while !condition(events.withLock { $0 }) { try await Task.sleep(for: .milliseconds(25)) }
            }
        } catch {
            throw TimeoutError(what: "agent \(agent): \(what); events so far: \(events.withLock { $0 })", limit: limit)
        }
    }
}
