import AgentClient
import Logging
import Synchronization

/// The bench's simulated agents: one `AgentSession` each over presence's real WebSocket.
/// Each accepts every offer after `thinkTime` and, `handleTime` after the conversation is
/// Active, sends `wrapUp` then `close` for it; every step is reported to the tracker.
final class BenchAgents: Sendable {
    struct Behaviour: Sendable {
        var thinkTime: Duration
        /// nil: conversations are kept (no wrapUp/close).
        var handleTime: Duration?
    }

    private let sessions: [AgentSession]
    private let behaviour: Behaviour
    private let tracker: ConversationTracker
    /// Where the agents' tasks run (the bench's loop); nil: Swift's global pool.
    private let executor: (any TaskExecutor)?
    private let welcomed = Atomic<Int>(0)
    private let running = Mutex<Task<Void, Never>?>(nil)
    /// The think and handle times: one tick for all agents, not a timer per conversation.
    private let timetable: BenchTimetable

    init(
        ids: [String], secret: String, presenceHTTP: String, behaviour: Behaviour, tracker: ConversationTracker,
        executor: (any TaskExecutor)? = nil
    ) {
        self.executor = executor
        let autoAccept = behaviour.thinkTime == .zero
        sessions = ids.map { AgentSession(agentID: $0, secret: secret, presenceHTTP: presenceHTTP, autoAccept: autoAccept) }
        self.behaviour = behaviour
        self.tracker = tracker
        timetable = BenchTimetable(tick: BenchTimetable.tick(for: [behaviour.thinkTime, behaviour.handleTime ?? .zero]))
    }

    var welcomedCount: Int { welcomed.load(ordering: .relaxed) }
    var count: Int { sessions.count }

    /// Connects every agent (in the background); `stop()` disconnects them.
    func start(logger: Logger) {
        let task = Task(executorPreference: executor) {
            await withDiscardingTaskGroup { group in
                for session in self.sessions {
                    group.addTask { await self.serve(session, logger: logger) }
                }
                group.addTask { await self.timetable.run() }
            }
        }
        running.withLock { $0 = task }
    }

    func stop() async {
        guard let task = running.withLock({ $0.take() }) else { return }
        task.cancel()
        await task.value
    }

    private func serve(_ session: AgentSession, logger: Logger) async {
        let events = session.events
        let connection = Task(executorPreference: executor) { [executor] in try await session.run(logger: logger, executor: executor) }
        for await event in events {
            handle(event, session: session)
        }
        connection.cancel()
        if case .failure(let error) = await connection.result, !Task.isCancelled {
            logger.warning("bench agent disconnected", metadata: ["agent": "\(session.agentID)", "error": "\(error)"])
        }
    }

    private func handle(_ event: AgentEvent, session: AgentSession) {
        let now = BenchClock.now()
        switch event {
        case .welcome:
            welcomed.add(1, ordering: .relaxed)
        case .offer(let offer):
            tracker.offered(offer.conversationID, at: now)
            let thinkTime = behaviour.thinkTime
            if thinkTime != .zero {
                timetable.schedule(after: thinkTime) { try? await session.accept(offerID: offer.offerID) }
            }
        case .offerReplied(let conversation, let accepted, _):
            guard accepted else {
                tracker.acceptRefused()
                return
            }
            tracker.becameActive(conversation, at: now)
            if let handleTime = behaviour.handleTime {
                timetable.schedule(after: handleTime) {
                    try? await session.act("wrapUp", conversationID: conversation)
                    try? await session.act("close", conversationID: conversation)
                }
            }
        case .message(let message):
            tracker.received(message.conversationID, text: message.text)
        case .actionResult(let action, _, let outcome, let refusal, _):
            tracker.actionAnswered(action, outcome: outcome, refusal: refusal)
        case .error(let code, _):
            tracker.agentError(code)
        case .presence, .offerWithdrawn, .workItems, .workItemAdded, .workItemRemoved, .replyResult, .other, .closed:
            break
        }
    }
}
