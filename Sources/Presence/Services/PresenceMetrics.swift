import Metrics
import SwitchboardCore

/// The presence process's metrics (low-cardinality labels only).
struct PresenceMetrics: Sendable {
    let connectedAgents = Gauge(label: "switchboard_presence_connected_agents")
    let offersRelayed = Counter(label: "switchboard_presence_offers_relayed_total")
    let authFailures = Counter(label: "switchboard_presence_auth_failures_total")

    /// Made once per reason: making a `Counter` looks it up in the registry under a lock.
    private let grantedByReason: [CapacityReason: Counter] = Dictionary(
        uniqueKeysWithValues: CapacityReason.allCases.map { reason in
            (reason, Counter(label: "switchboard_presence_reservations_granted_total", dimensions: [("reason", reason.rawValue)]))
        })

    func granted(_ reason: CapacityReason) {
        grantedByReason[reason]?.increment()
    }

    func denied(_ denial: CapacityDenial) {
        let reason =
            switch denial {
            case .noCapacity: "no_capacity"
            case .presenceNotAllowed: "presence_not_allowed"
            case .notConnected: "not_connected"
            case .unknownAgent: "unknown_agent"
            }
        Counter(label: "switchboard_presence_reservations_denied_total", dimensions: [("reason", reason)]).increment()
    }
}
