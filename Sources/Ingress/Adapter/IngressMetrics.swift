import Metrics
import SwitchboardCore

/// The counters of one adapter process (low cardinality: channel type and reason only;
/// never a channel id or a customer).
public struct IngressMetrics: Sendable {
    let accepted: Counter
    let duplicates: Counter
    private let rejected: [IngressRejection.Kind: Counter]
    let forwardedAcked: Counter
    let forwardedRejected: Counter
    let outboxPending: Gauge

    /// `factory` is the process's (bootstrapped) one by default; tests pass their own.
    public init(channelType: ChannelType, factory: any MetricsFactory = MetricsSystem.factory) {
        let type = ("channel_type", channelType.rawValue)
        accepted = Counter(label: "switchboard_ingress_accepted_total", dimensions: [type], factory: factory)
        duplicates = Counter(label: "switchboard_ingress_duplicates_total", dimensions: [type], factory: factory)
        var rejected: [IngressRejection.Kind: Counter] = [:]
        for kind in IngressRejection.Kind.allCases {
            rejected[kind] = Counter(
                label: "switchboard_ingress_rejected_total", dimensions: [type, ("reason", kind.rawValue)], factory: factory)
        }
        self.rejected = rejected
        forwardedAcked = Counter(
            label: "switchboard_ingress_forwarded_total", dimensions: [type, ("outcome", "acked")], factory: factory)
        forwardedRejected = Counter(
            label: "switchboard_ingress_forwarded_total", dimensions: [type, ("outcome", "rejected")], factory: factory)
        outboxPending = Gauge(label: "switchboard_ingress_outbox_pending", dimensions: [type], factory: factory)
    }

    func rejected(_ kind: IngressRejection.Kind) {
        rejected[kind]?.increment()
    }
}
