import ProcessRuntime
import Storage
import SwitchboardCore

/// Who owns a queue at the router right now (for `/status`).
struct QueueOwner: Sendable, Equatable {
    let distributor: String
    let alive: Bool
}

extension OperatorStatus.Router {
    /// The router's `/status` answer (docs/protocols/operator.md), from the configuration it
    /// runs, the current owners (`QueueOwnershipRegistry`) and the journal's pending counts.
    /// Queues in configuration order; a journal that cannot be read leaves the counts unknown.
    init(configuration: SwitchboardConfiguration, owners: [String: QueueOwner], pending: Result<[String: Int], StorageError>) {
        let counts = try? pending.get()
        self.init(
            process: RouterService.processName,
            workStreams: configuration.workStreams.map {
                OperatorStatus.WorkStream(
                    name: $0.name, channelType: $0.channelType.rawValue, distribution: $0.distribution.rawValue, channels: $0.channels)
            },
            queues: configuration.queues.map { queue in
                let owner = owners[queue.name]
                return OperatorStatus.RouterQueue(
                    name: queue.name, priority: queue.priority, owner: owner?.distributor, ownerAlive: owner?.alive ?? false,
                    pendingDeliveries: counts.map { $0[queue.name] ?? 0 })
            },
            journalError: pending.failureDescription)
    }
}

extension Result {
    fileprivate var failureDescription: String? {
        if case .failure(let error) = self { "\(error)" } else { nil }
    }
}
