import Histogram
import Synchronization

/// When each bench conversation was sent, offered to an agent and became Active, shared by
/// the load drivers and the simulated agents (all times from `BenchClock`).
///
/// Conversation n is sent with the text "bench n"; the conversation id is the router's, so
/// the two meet when the agent receives the conversation's first message (after Active):
/// the offer and Active times are kept by conversation id until then.
final class ConversationTracker: Sendable {
    static let textPrefix = "bench "

    private struct State {
        var sendTimes: [Int: UInt64] = [:]
        var offerTimes: [String: UInt64] = [:]
        var activeTimes: [String: UInt64] = [:]
        var numberOf: [String: Int] = [:]
        var sendFailures: [String: Int] = [:]
        var refusedAccepts = 0
        var actionOutcomes: [String: Int] = [:]
        var agentErrors: [String: Int] = [:]
    }

    private let state = Mutex(State())
    private let nextNumber = Atomic<Int>(0)
    private let sentCount = Atomic<Int>(0)
    private let activeCount = Atomic<Int>(0)
    private let failedCount = Atomic<Int>(0)
    /// The current run's pacer waits on it for room under `--max-in-flight`.
    private let landings = Mutex<RoomSignal?>(nil)

    /// From now on, every conversation that lands (Active or failed) signals `room`.
    func signalLandings(to room: RoomSignal) { landings.withLock { $0 = room } }

    private func landed() { landings.withLock { $0 }?.landed() }

    /// A fresh conversation number (the load drivers share one sequence).
    func takeNumber() -> Int { nextNumber.wrappingAdd(1, ordering: .relaxed).oldValue }

    /// Sent and not yet Active: what `--max-in-flight` bounds.
    var inFlight: Int {
        sentCount.load(ordering: .relaxed) - activeCount.load(ordering: .relaxed) - failedCount.load(ordering: .relaxed)
    }
    var sent: Int { sentCount.load(ordering: .relaxed) }
    var active: Int { activeCount.load(ordering: .relaxed) }

    static func text(_ number: Int) -> String { "\(textPrefix)\(number)" }

    /// The conversation number in a message text `text(_:)` made; nil for any other text.
    static func number(inText text: String) -> Int? {
        guard text.hasPrefix(textPrefix) else { return nil }
        return Int(text.dropFirst(textPrefix.count))
    }

    func sent(_ number: Int, at time: UInt64) {
        sentCount.add(1, ordering: .relaxed)
        state.withLock { $0.sendTimes[number] = time }
    }

    /// The send did not take (webhook answered other than 202, Submit rejected): it will never be Active.
    func sendFailed(_ number: Int, reason: String) {
        failedCount.add(1, ordering: .relaxed)
        landed()
        state.withLock { state in
            state.sendTimes[number] = nil
            state.sendFailures[reason, default: 0] += 1
        }
    }

    func offered(_ conversation: String, at time: UInt64) {
        state.withLock { state in
            if state.offerTimes[conversation] == nil { state.offerTimes[conversation] = time }
        }
    }

    func becameActive(_ conversation: String, at time: UInt64) {
        let first = state.withLock { state in
            guard state.activeTimes[conversation] == nil else { return false }
            state.activeTimes[conversation] = time
            return true
        }
        if first {
            activeCount.add(1, ordering: .relaxed)
            landed()
        }
    }

    func acceptRefused() { state.withLock { $0.refusedAccepts += 1 } }

    /// A customer message reached the agent: names the conversation's bench number.
    func received(_ conversation: String, text: String) {
        guard let number = Self.number(inText: text) else { return }
        state.withLock { $0.numberOf[conversation] = number }
    }

    func actionAnswered(_ action: String, outcome: String, refusal: String) {
        let key = refusal.isEmpty ? "\(action) \(outcome)" : "\(action) \(outcome) (\(refusal))"
        state.withLock { $0.actionOutcomes[key, default: 0] += 1 }
    }

    func agentError(_ code: String) { state.withLock { $0.agentErrors[code, default: 0] += 1 } }

    /// Forgets the failure, refusal, action and error counts (each run reports its own).
    func resetCounts() {
        state.withLock { state in
            state.sendFailures = [:]
            state.refusedAccepts = 0
            state.actionOutcomes = [:]
            state.agentErrors = [:]
        }
    }

    /// What happened in `window` (BenchClock times): conversations sent in it and their
    /// latencies, and Active events that fell in it (the throughput).
    func summary(window: Range<UInt64>) -> WindowSummary {
        state.withLock { state in
            var offer = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
            var active = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
            offer.autoResize = true
            active.autoResize = true
            var sentInWindow = 0
            var resolved = 0
            for (_, time) in state.sendTimes where window.contains(time) { sentInWindow += 1 }
            for (conversation, number) in state.numberOf {
                guard let sent = state.sendTimes[number], window.contains(sent) else { continue }
                resolved += 1
                if let offered = state.offerTimes[conversation], offered >= sent { _ = offer.record((offered - sent) / 1_000) }
                if let activated = state.activeTimes[conversation], activated >= sent { _ = active.record((activated - sent) / 1_000) }
            }
            let activeInWindow = state.activeTimes.values.reduce(0) { $0 + (window.contains($1) ? 1 : 0) }
            return WindowSummary(
                sent: sentInWindow, reachedActive: activeInWindow, latencySamples: resolved,
                offerLatency: LatencySummary(offer), activeLatency: LatencySummary(active),
                sendFailures: state.sendFailures, refusedAccepts: state.refusedAccepts,
                actionOutcomes: state.actionOutcomes, agentErrors: state.agentErrors)
        }
    }
}

/// One run's counts from the tracker.
struct WindowSummary: Sendable {
    var sent: Int
    var reachedActive: Int
    /// Conversations sent in the window whose id the agents learnt (their latencies are known).
    var latencySamples: Int
    var offerLatency: LatencySummary?
    var activeLatency: LatencySummary?
    var sendFailures: [String: Int]
    var refusedAccepts: Int
    var actionOutcomes: [String: Int]
    var agentErrors: [String: Int]
}

/// Percentiles of one latency histogram, in microseconds.
struct LatencySummary: Codable, Sendable, Equatable {
    var count: UInt64
    var p50: UInt64
    var p90: UInt64
    var p99: UInt64
    var p999: UInt64
    var max: UInt64

    /// nil for an empty histogram.
    init?(_ histogram: Histogram<UInt64>) {
        guard histogram.totalCount > 0 else { return nil }
        count = histogram.totalCount
        p50 = histogram.valueAtPercentile(50)
        p90 = histogram.valueAtPercentile(90)
        p99 = histogram.valueAtPercentile(99)
        p999 = histogram.valueAtPercentile(99.9)
        max = histogram.max
    }

    init(count: UInt64, p50: UInt64, p90: UInt64, p99: UInt64, p999: UInt64, max: UInt64) {
        (self.count, self.p50, self.p90, self.p99, self.p999, self.max) = (count, p50, p90, p99, p999, max)
    }
}
