import Metrics

/// The distributor's metrics (low-cardinality labels: queue, outcome).
struct DistributorMetrics: Sendable {
    private let waiting: [String: Gauge]
    private let assignments: [String: Counter]
    let offersSent = Counter(label: "switchboard_offers_total", dimensions: [("outcome", "sent")])
    let offersAccepted = Counter(label: "switchboard_offers_total", dimensions: [("outcome", "accepted")])
    let offersRejected = Counter(label: "switchboard_offers_total", dimensions: [("outcome", "rejected")])
    let offersExpired = Counter(label: "switchboard_offers_total", dimensions: [("outcome", "expired")])
    let delivers = Counter(label: "switchboard_distributor_delivers_total")
    let closed = Counter(label: "switchboard_distributor_conversations_closed_total")
    /// D6: a pick, select-from-push, affinity or transfer took an agent above capacity.
    let overCapacity = Counter(label: "switchboard_distributor_over_capacity_total")
    let duplicateDelivers = Counter(label: "switchboard_distributor_delivers_duplicate_total")

    init(queues: [String]) {
        waiting = Dictionary(uniqueKeysWithValues: queues.map {
            ($0, Gauge(label: "switchboard_conversations_waiting", dimensions: [("queue", $0)]))
        })
        assignments = Dictionary(uniqueKeysWithValues: queues.map {
            ($0, Counter(label: "switchboard_assignments_total", dimensions: [("queue", $0)]))
        })
    }

    func setWaiting(_ count: Int, queue: String) { waiting[queue]?.record(count) }
    func assigned(queue: String) { assignments[queue]?.increment() }
}
