import Fuzzing
import Foundation
import AgentClient
import Logging
import Synchronization

/// One simulated agent of `switchboard chaos`, over presence's real WebSocket: accepts every
/// offer after a think time, waits for the conversation's first message, keeps it for a handle
/// time, sometimes replies (M1), then sends `wrapUp` (again until answered) and `close`. Now and
/// then it drops its connection or switches to a presence push must not offer in, and it
/// reconnects whenever the connection ends (presence was killed). Everything it sees and does
/// goes to the ledger.
final class ChaosAgent: Sendable {
    struct Behaviour: Sendable {
        /// Seconds.
        var thinkTime: ClosedRange<Double>
        var handleTime: ClosedRange<Double>
        var replyProbability: Double
        /// Mean seconds between two disconnects of one agent (0: never), and how long it stays away.
        var disconnectEvery: Double
        var disconnectPause: ClosedRange<Double>
        /// Mean seconds between two spells in `awayPresence` (0: never), and how long each lasts.
        var awayEvery: Double
        var awayFor: ClosedRange<Double>
        var awayPresence: String
        /// How long an agent waits for a conversation's first message before handling it anyway.
        var messageWait: Duration
        /// The queues' `offerTimeout`: an offer's `expiresAt` less this is when it was made.
        var offerTimeout: Duration
    }

    static let replyPrefix = "chaos reply "
    static let wrapUpAttempts = 4
    /// How long each send of a reply waits for its answer before the next: 30 s in all.
    static let replyAnswerWaits: [Duration] = [.seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)]

    let id: String
    private let secret: String
    private let presenceHTTP: String
    private let behaviour: Behaviour
    private let ledger: ChaosLedger

    private struct State {
        var random: SplitMix64
        var session: AgentSession?
        var connection: Task<Void, Never>?
        var reconnectPause: Duration = .milliseconds(200)
        var presence = "available"
        var welcomed = false
        var replies = 0
        var actions = 0
        var messaged = Set<String>()
        var wrappedUp = Set<String>()
        var answeredReplies = Set<String>()
    }

    private let state: Mutex<State>
    private let welcomes = Atomic<Int>(0)

    init(id: String, secret: String, presenceHTTP: String, behaviour: Behaviour, ledger: ChaosLedger, random: SplitMix64) {
        self.id = id
        self.secret = secret
        self.presenceHTTP = presenceHTTP
        self.behaviour = behaviour
        self.ledger = ledger
        state = Mutex(State(random: random))
    }

    /// Times presence welcomed this agent (connections that went live).
    var welcomeCount: Int { welcomes.load(ordering: .relaxed) }

    /// Serves the agent until the task is cancelled: connects, and reconnects whenever the connection ends.
    func run(logger: Logger) async {
        await withDiscardingTaskGroup { work in
            while !Task.isCancelled {
                let session = AgentSession(
                    agentID: id, secret: secret, presenceHTTP: presenceHTTP, presence: state.withLock { $0.presence })
                let events = session.events
                let connection = Task { _ = try? await session.run(logger: logger) }
                state.withLock { state in
                    state.session = session
                    state.connection = connection
                    state.welcomed = false
                    state.reconnectPause = .milliseconds(200)
                }
                await withTaskCancellationHandler {
                    for await event in events { handle(event, session: session, work: &work) }
                } onCancel: {
                    connection.cancel()
                }
                let (pause, welcomed) = state.withLock { state in
                    state.session = nil
                    state.connection = nil
                    return (state.reconnectPause, state.welcomed)
                }
                if welcomed { ledger.record(id, .disconnected) }
                try? await Task.sleep(for: pause)
            }
        }
    }

    // MARK: events

    private func handle(_ event: AgentEvent, session: AgentSession, work: inout DiscardingTaskGroup) {
        switch event {
        case .welcome(let agentState, let offers):
            state.withLock { $0.welcomed = true }
            welcomes.add(1, ordering: .relaxed)
            ledger.record(id, .connected(presence: agentState?.presence, standingOffers: offers.map(\.conversationID)))
            for offer in offers { work.addTask { await self.accept(offer, on: session) } }
        case .presence(let agentState):
            ledger.record(id, .presenceAcked(agentState.presence, capacityUsed: agentState.capacityUsed))
        case .offer(let offer):
            let grantedAtMs = Self.parseTime(offer.expiresAt).map { $0 - Int64(behaviour.offerTimeout.components.seconds * 1_000) }
            ledger.record(id, .offer(offerID: offer.offerID, conversation: offer.conversationID, grantedAtMs: grantedAtMs))
            work.addTask { await self.accept(offer, on: session) }
        case .offerWithdrawn(let offerID, _):
            ledger.record(id, .offerWithdrawn(offerID: offerID))
        case .offerReplied(let conversation, let accepted, _):
            guard accepted else {
                ledger.record(id, .acceptRefused(conversation: conversation))
                return
            }
            ledger.record(id, .active(conversation: conversation))
            ledger.conversationStarted()
            work.addTask { await self.handleConversation(conversation) }
        case .message(let message):
            let number = ConversationTracker.number(inText: message.text)
            ledger.record(id, .message(conversation: message.conversationID, sequence: message.sequence, number: number))
            _ = state.withLock { $0.messaged.insert(message.conversationID) }
        case .replyResult(_, let token, let accepted, let reason):
            ledger.replyAnswered(token, accepted: accepted)
            ledger.actionAnswered("reply", outcome: accepted ? "accepted" : "rejected", refusal: reason)
            _ = state.withLock { $0.answeredReplies.insert(token) }
        case .actionResult(let action, let conversation, let outcome, let refusal, _):
            ledger.actionAnswered(action, outcome: outcome, refusal: refusal)
            if action == "wrapUp" { _ = state.withLock { $0.wrappedUp.insert(conversation) } }
        case .error(let code, _):
            ledger.agentError(code)
        case .workItems, .workItemAdded, .workItemRemoved, .other, .closed:
            break
        }
    }

    private func accept(_ offer: AgentEvent.Offer, on session: AgentSession) async {
        let think = state.withLock { $0.random.seconds(in: behaviour.thinkTime) }
        try? await Task.sleep(for: think)
        try? await session.accept(offerID: offer.offerID)
    }

    /// Read, handle, maybe reply, wrap up (resent until answered: an answer may be lost with a
    /// killed process), close.
    private func handleConversation(_ conversation: String) async {
        defer { ledger.conversationFinished() }
        let messageDeadline = ContinuousClock.now + behaviour.messageWait
        while !state.withLock({ $0.messaged.contains(conversation) }), ContinuousClock.now < messageDeadline {
            guard await pause(.milliseconds(50)) else { return }
        }
        let (handle, reply) = state.withLock { state in
            (state.random.seconds(in: behaviour.handleTime), Double.random(in: 0..<1, using: &state.random) < behaviour.replyProbability)
        }
        guard await pause(handle) else { return }
        if reply {
            let token = state.withLock { state in
                state.replies += 1
                return "\(id)-r\(state.replies)"
            }
            ledger.replySent(token)
            // Sent again, with the same client message id, while no answer comes (it may have died
            // with presence or a distributor): the reply must still reach the customer once.
            // Patient, as agent.md asks of a client: under twice the load the system carries,
            // with processes killed, an answer can take longer than a few seconds.
            for wait in Self.replyAnswerWaits where !state.withLock({ $0.answeredReplies.contains(token) }) {
                guard await sendWhenConnected(["type": "reply", "conversationId": conversation, "text": Self.replyPrefix + token, "clientMessageId": token]) else { return }
                let answerDeadline = ContinuousClock.now + wait
                while !state.withLock({ $0.answeredReplies.contains(token) }), ContinuousClock.now < answerDeadline {
                    guard await pause(.milliseconds(50)) else { return }
                }
            }
        }
        var released = false
        var attempts = 0
        // One id for every copy of this wrap-up, so a resend is the same action (agent.md
        // section 4): answered as the first copy was, not refused as already done.
        let wrapUpID = state.withLock { state in
            state.actions += 1
            return "\(id)-a\(state.actions)"
        }
        while !state.withLock({ $0.wrappedUp.contains(conversation) }) {
            // Bounded: an answer that never comes is reported rather than waited for. (A
            // wrap-up done just before presence was killed is answered again: the restarted
            // presence asks the distributors for the conversation, decisions §23.)
            guard attempts < Self.wrapUpAttempts else {
                ledger.actionAnswered("wrapUp", outcome: "never answered", refusal: "gave up after \(attempts) attempts")
                return
            }
            attempts += 1
            guard await sendWhenConnected(["type": "wrapUp", "conversationId": conversation, "clientActionId": wrapUpID]) else { return }
            if !released {
                ledger.record(id, .released(conversation: conversation))
                released = true
            }
            let answerDeadline = ContinuousClock.now + .seconds(3)
            while !state.withLock({ $0.wrappedUp.contains(conversation) }), ContinuousClock.now < answerDeadline {
                guard await pause(.milliseconds(50)) else { return }
            }
        }
        _ = await sendWhenConnected(["type": "close", "conversationId": conversation])
    }

    /// Sends a frame on the current connection, waiting for one; false when cancelled.
    private func sendWhenConnected(_ frame: [String: String]) async -> Bool {
        while !Task.isCancelled {
            if let session = state.withLock({ $0.welcomed ? $0.session : nil }), (try? await session.send(frame)) != nil { return true }
            guard await pause(.milliseconds(100)) else { return false }
        }
        return false
    }

    /// Sleeps; false when the task was cancelled (the run is over).
    private func pause(_ duration: Duration) async -> Bool {
        (try? await Task.sleep(for: duration)) != nil
    }

    /// `2026-11-25T18:00:00.000Z` → ms since 1970.
    static func parseTime(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1_000).rounded()) }
    }

    // MARK: misbehaviour

    /// Drops the connection and goes away now and then, until the task is cancelled.
    func misbehave() async {
        async let disconnects: Void = disconnectNowAndThen()
        async let spells: Void = goAwayNowAndThen()
        _ = await (disconnects, spells)
    }

    private func disconnectNowAndThen() async {
        guard behaviour.disconnectEvery > 0 else { return }
        while !Task.isCancelled {
            let wait = state.withLock { $0.random.seconds(in: (behaviour.disconnectEvery * 0.5)...(behaviour.disconnectEvery * 1.5)) }
            guard await pause(wait) else { return }
            state.withLock { state in
                state.reconnectPause = state.random.seconds(in: behaviour.disconnectPause)
                state.connection?.cancel()
            }
        }
    }

    private func goAwayNowAndThen() async {
        guard behaviour.awayEvery > 0 else { return }
        while !Task.isCancelled {
            let wait = state.withLock { $0.random.seconds(in: (behaviour.awayEvery * 0.5)...(behaviour.awayEvery * 1.5)) }
            guard await pause(wait) else { return }
            await choosePresence(behaviour.awayPresence)
            let spell = state.withLock { $0.random.seconds(in: behaviour.awayFor) }
            guard await pause(spell) else { return }
            await choosePresence("available")
        }
    }

    /// The next `hello` says it too, so a reconnect keeps the choice.
    private func choosePresence(_ presence: String) async {
        let session = state.withLock { state in
            state.presence = presence
            return state.welcomed ? state.session : nil
        }
        ledger.record(id, .presenceRequested(presence))
        try? await session?.send(["type": "setPresence", "presence": presence])
    }
}
