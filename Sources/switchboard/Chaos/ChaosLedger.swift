import Foundation
import Synchronization

/// The chaos run's own records, shared by the webhook driver and the simulated agents: which
/// webhooks got a 2xx, what each agent saw and did (in order, one clock), the replies they
/// sent and how each was answered. Read at the end as `ChaosEvidence`.
final class ChaosLedger: Sendable {
    private struct State {
        var records: [ChaosEvidence.AgentRecord] = []
        var accepted = Set<Int>()
        var failed = Set<Int>()
        var failureReasons: [String: Int] = [:]
        var numbersSeen = Set<Int>()
        var replies: [String: Bool?] = [:]
        var replyOrder: [String] = []
        var actionOutcomes: [String: Int] = [:]
        var agentErrors: [String: Int] = [:]
    }

    private let state = Mutex(State())
    private let sentCount = Atomic<Int>(0)
    private let nextNumber = Atomic<Int>(0)
    /// Conversations an agent holds and has not finished (wrapUp answered), across agents.
    private let unfinished = Atomic<Int>(0)

    func takeNumber() -> Int { nextNumber.wrappingAdd(1, ordering: .relaxed).oldValue }
    var sent: Int { sentCount.load(ordering: .relaxed) }

    // MARK: agents

    /// Appends one agent record, timed now (under the lock, so times follow the order).
    func record(_ agent: String, _ event: ChaosEvidence.AgentRecord.Event) {
        state.withLock { state in
            state.records.append(ChaosEvidence.AgentRecord(agent: agent, time: BenchClock.now(), event: event, wallMs: Self.wallMs()))
            if case .message(_, _, let number?) = event { state.numbersSeen.insert(number) }
        }
    }

    func replySent(_ token: String) {
        state.withLock { state in
            guard state.replies[token] == nil else { return }
            state.replies[token] = .some(nil)
            state.replyOrder.append(token)
        }
    }

    func replyAnswered(_ token: String, accepted: Bool) {
        state.withLock { state in
            guard state.replies[token] != nil else { return }
            // A later accept of a resend wins over an earlier refusal.
            if state.replies[token] != .some(true) { state.replies[token] = .some(accepted) }
        }
    }

    func actionAnswered(_ action: String, outcome: String, refusal: String) {
        let key = refusal.isEmpty ? "\(action) \(outcome)" : "\(action) \(outcome) (\(refusal))"
        state.withLock { $0.actionOutcomes[key, default: 0] += 1 }
    }

    func agentError(_ code: String) { state.withLock { $0.agentErrors[code, default: 0] += 1 } }

    func conversationStarted() { unfinished.add(1, ordering: .relaxed) }
    func conversationFinished() { unfinished.subtract(1, ordering: .relaxed) }
    var unfinishedConversations: Int { unfinished.load(ordering: .relaxed) }

    static func wallMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1_000).rounded()) }

    // MARK: reading

    var records: [ChaosEvidence.AgentRecord] { state.withLock { $0.records } }
    var replies: [ChaosEvidence.Reply] {
        state.withLock { state in state.replyOrder.map { ChaosEvidence.Reply(token: $0, accepted: state.replies[$0] ?? nil) } }
    }
    var acceptedWebhooks: Set<Int> { state.withLock { $0.accepted } }
    var failedWebhooks: Set<Int> { state.withLock { $0.failed } }
    var failureReasons: [String: Int] { state.withLock { $0.failureReasons } }
    var actionOutcomes: [String: Int] { state.withLock { $0.actionOutcomes } }
    var agentErrors: [String: Int] { state.withLock { $0.agentErrors } }

    /// Webhooks answered 2xx whose message no agent has received yet.
    var acceptedNotSeen: Int { state.withLock { $0.accepted.subtracting($0.numbersSeen).count } }

    /// Reply tokens accepted so far.
    var acceptedReplyTokens: Set<String> {
        state.withLock { state in Set(state.replies.compactMap { $0.value == .some(true) ? $0.key : nil }) }
    }
}

extension ChaosLedger: LoadRecorder {
    func sent(_ number: Int, at time: UInt64) { sentCount.add(1, ordering: .relaxed) }

    func sendFailed(_ number: Int, reason: String) {
        state.withLock { state in
            state.failed.insert(number)
            state.failureReasons[reason, default: 0] += 1
        }
    }

    func sendSucceeded(_ number: Int) { _ = state.withLock { $0.accepted.insert(number) } }
}
