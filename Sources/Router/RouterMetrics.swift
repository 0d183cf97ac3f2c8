import Metrics
import SwitchboardCore
import Synchronization

/// The router's counters and gauges (swift-metrics; labels stay low-cardinality: work
/// streams and queues come from the configuration, never from traffic).
final class RouterMetrics: Sendable {
    private let pending = Atomic<Int>(0)
    private let pendingGauge = Gauge(label: "switchboard_router_deliveries_pending")
    private let duplicates = Counter(label: "switchboard_router_duplicates_total")
    private let rejectedSubmits = Counter(label: "switchboard_router_submits_rejected_total")
    private let journalErrors = Counter(label: "switchboard_router_journal_errors_total")
    private let closedConversations = Counter(label: "switchboard_router_conversations_closed_total")
    private let relayedReplies = Counter(label: "switchboard_router_replies_relayed_total")
    private let unregisteredDrops = Counter(label: "switchboard_router_dropped_from_unregistered_total")
    private let forgottenConversations = Counter(label: "switchboard_router_conversations_forgotten_total")

    /// The labelled series of the configured work streams and their target queues, made
    /// once: making a `Counter` looks it up in the registry under a lock, per conversation.
    private let routedCounters: [String: [String: Counter]]
    private let fallbackCounters: [String: Counter]
    private let ruleErrorCounters: [String: Counter]

    /// Creates every labelled series of the configured work streams and their target queues
    /// at zero, so `/metrics` lists them before the first conversation (and `rate()` works
    /// from the start).
    init(workStreams: [WorkStream] = []) {
        var routed: [String: [String: Counter]] = [:]
        var fallbacks: [String: Counter] = [:]
        var ruleErrors: [String: Counter] = [:]
        for stream in workStreams {
            for queue in stream.targetQueues {
                routed[stream.name, default: [:]][queue] = Self.routedCounter(workStream: stream.name, queue: queue)
            }
            fallbacks[stream.name] = Self.fallbackCounter(workStream: stream.name)
            ruleErrors[stream.name] = Self.ruleErrorCounter(workStream: stream.name)
        }
        (routedCounters, fallbackCounters, ruleErrorCounters) = (routed, fallbacks, ruleErrors)
    }

    func routed(workStream: String, queue: String, fallback: Bool) {
        (routedCounters[workStream]?[queue] ?? Self.routedCounter(workStream: workStream, queue: queue)).increment()
        if fallback {
            (fallbackCounters[workStream] ?? Self.fallbackCounter(workStream: workStream)).increment()
        }
    }

    /// W2: context values dropped as the wrong type.
    func ruleValueErrors(workStream: String, count: Int) {
        guard count > 0 else { return }
        (ruleErrorCounters[workStream] ?? Self.ruleErrorCounter(workStream: workStream)).increment(by: count)
    }

    private static func routedCounter(workStream: String, queue: String) -> Counter {
        Counter(label: "switchboard_router_conversations_routed_total", dimensions: [("work_stream", workStream), ("queue", queue)])
    }

    private static func fallbackCounter(workStream: String) -> Counter {
        Counter(label: "switchboard_router_fallbacks_total", dimensions: [("work_stream", workStream)])
    }

    private static func ruleErrorCounter(workStream: String) -> Counter {
        Counter(label: "switchboard_router_rule_evaluation_errors_total", dimensions: [("work_stream", workStream)])
    }

    func duplicate() { duplicates.increment() }
    func rejectedSubmit() { rejectedSubmits.increment() }
    func journalError() { journalErrors.increment() }
    func closed() { closedConversations.increment() }
    func replyRelayed() { relayedReplies.increment() }
    func droppedFromUnregistered() { unregisteredDrops.increment() }
    func forgotten(_ count: Int) { if count > 0 { forgottenConversations.increment(by: count) } }

    func setPending(_ count: Int) {
        pending.store(count, ordering: .relaxed)
        pendingGauge.record(count)
    }

    func addPending(_ delta: Int) {
        let now = pending.add(delta, ordering: .relaxed).newValue
        pendingGauge.record(now)
    }

    var pendingDeliveries: Int { pending.load(ordering: .relaxed) }
}
