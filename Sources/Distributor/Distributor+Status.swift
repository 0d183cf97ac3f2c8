import ProcessRuntime
import SwitchboardCore

extension Distributor {
    /// `/status` (operators, I4): per owned queue, what waits for an agent and for how long.
    public func status() async -> OperatorStatus.Distributor {
        let registered = await routerLink.isPeerAlive && readyAccepted
        return OperatorStatus.Distributor(
            process: settings.name, registered: registered,
            queues: OperatorStatus.DistributorQueue.report(queues: settings.queues, conversations: core.conversations.values, nowMs: Self.nowMs()))
    }
}

extension OperatorStatus.DistributorQueue {
    /// Pure: one entry per queue, in the given order. Waiting means Open (no agent holds it;
    /// an offer may be out); the oldest wait is measured from its arrival at this distributor.
    static func report(queues: [String], conversations: some Sequence<ConversationRecord>, nowMs: Int64) -> [Self] {
        var waiting: [String: Int] = [:]
        var active: [String: Int] = [:]
        var oldestArrival: [String: Int64] = [:]
        for conversation in conversations {
            switch conversation.state {
            case .open:
                waiting[conversation.queue, default: 0] += 1
                oldestArrival[conversation.queue] = min(oldestArrival[conversation.queue] ?? .max, conversation.arrivedAtMs)
            case .active:
                active[conversation.queue, default: 0] += 1
            case .waiting, .wrapUp, .closed:
                break
            }
        }
        return queues.map { queue in
            Self(
                name: queue, waiting: waiting[queue] ?? 0, oldestWaitMs: oldestArrival[queue].map { max(0, nowMs - $0) },
                active: active[queue] ?? 0)
        }
    }
}
