import Metrics
import SwitchboardCore

/// Counters of the outbound side (M1): replies taken from the router and attempts to send
/// them to the provider, by outcome. Labels: channel type and outcome only.
public struct ReplyMetrics: Sendable {
    let received: Counter
    let duplicates: Counter
    let sent: Counter
    let retried: Counter
    let failed: Counter
    let pending: Gauge

    public init(channelType: ChannelType, factory: any MetricsFactory = MetricsSystem.factory) {
        let type = ("channel_type", channelType.rawValue)
        received = Counter(label: "switchboard_ingress_replies_received_total", dimensions: [type], factory: factory)
        duplicates = Counter(label: "switchboard_ingress_replies_duplicates_total", dimensions: [type], factory: factory)
        sent = Counter(label: "switchboard_ingress_reply_attempts_total", dimensions: [type, ("outcome", "sent")], factory: factory)
        retried = Counter(label: "switchboard_ingress_reply_attempts_total", dimensions: [type, ("outcome", "retry")], factory: factory)
        failed = Counter(label: "switchboard_ingress_reply_attempts_total", dimensions: [type, ("outcome", "failed")], factory: factory)
        pending = Gauge(label: "switchboard_ingress_replies_pending", dimensions: [type], factory: factory)
    }
}
