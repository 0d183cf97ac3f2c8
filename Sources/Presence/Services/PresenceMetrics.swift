import Metrics
import SwitchboardCore

/// The presence process's metrics (low-cardinality labels only).
struct PresenceMetrics: Sendable {
    let connectedAgents = Gauge(label: "switchboard_presence_connected_agents")
    let offersRelayed = Counter(label: "switchboard_presence_offers_relayed_total")
    let authFailures = Counter(label: "switchboard_presence_auth_failures_total")

    func granted(_ reason: CapacityReason) {
        Counter(label: "switchboard_presence_reservations_granted_total", dimensions: [("reason", reason.rawValue)]).increment()
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
