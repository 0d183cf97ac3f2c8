/// The JSON documents of the operator endpoint `GET /status` (spec I4, G5;
/// docs/protocols/operator.md): one per process kind, and the merged view that
/// `switchboard status --json` prints. Times are Unix milliseconds or ages in milliseconds,
/// measured by the process that answers, so a skewed operator clock does not skew ages.
public enum OperatorStatus {}

extension OperatorStatus {
    /// The router's answer: the work streams it routes and, per configured queue, its owner
    /// and the deliveries the journal still holds for it.
    public struct Router: Codable, Sendable, Equatable {
        public var process: String
        public var workStreams: [WorkStream]
        public var queues: [RouterQueue]
        /// Set when the journal could not be read: `pendingDeliveries` are unknown then.
        public var journalError: String?

        public init(process: String, workStreams: [WorkStream], queues: [RouterQueue], journalError: String? = nil) {
            self.process = process
            self.workStreams = workStreams
            self.queues = queues
            self.journalError = journalError
        }
    }

    public struct WorkStream: Codable, Sendable, Equatable {
        public var name: String
        public var channelType: String
        /// `push` or `pick`.
        public var distribution: String
        /// Channel instance ids.
        public var channels: [String]

        public init(name: String, channelType: String, distribution: String, channels: [String]) {
            self.name = name
            self.channelType = channelType
            self.distribution = distribution
            self.channels = channels
        }
    }

    public struct RouterQueue: Codable, Sendable, Equatable {
        public var name: String
        public var priority: Int
        /// The distributor name that owns the queue now (QueueOwnershipRegistry); nil: none.
        public var owner: String?
        /// Whether the owner's link currently counts as alive (heartbeats arrive).
        public var ownerAlive: Bool
        /// Deliveries the journal holds for the queue until a distributor acknowledges them;
        /// nil when the journal could not be read.
        public var pendingDeliveries: Int?

        public init(name: String, priority: Int, owner: String?, ownerAlive: Bool, pendingDeliveries: Int?) {
            self.name = name
            self.priority = priority
            self.owner = owner
            self.ownerAlive = ownerAlive
            self.pendingDeliveries = pendingDeliveries
        }
    }

    /// A distributor's answer: its queues and the conversations waiting in each.
    public struct Distributor: Codable, Sendable, Equatable {
        public var process: String
        /// The router accepted this distributor's `Ready` and its link is up.
        public var registered: Bool
        public var queues: [DistributorQueue]

        public init(process: String, registered: Bool, queues: [DistributorQueue]) {
            self.process = process
            self.registered = registered
            self.queues = queues
        }
    }

    public struct DistributorQueue: Codable, Sendable, Equatable {
        public var name: String
        /// Conversations Open in the queue: waiting for an agent (an offer may be out).
        public var waiting: Int
        /// How long the oldest waiting one has been at this distributor; nil when none waits.
        public var oldestWaitMs: Int64?
        /// Conversations Active with an agent.
        public var active: Int

        public init(name: String, waiting: Int, oldestWaitMs: Int64?, active: Int) {
            self.name = name
            self.waiting = waiting
            self.oldestWaitMs = oldestWaitMs
            self.active = active
        }
    }

    /// Presence's answer: every configured agent with presence and load.
    public struct Presence: Codable, Sendable, Equatable {
        public var process: String
        public var agents: [Agent]

        public init(process: String, agents: [Agent]) {
            self.process = process
            self.agents = agents
        }
    }

    public struct Agent: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        /// The presence the agent chose (a base or a custom one).
        public var presence: String
        /// What routing looks at.
        public var basePresence: String
        public var connected: Bool
        public var capacityUsed: Int
        public var capacityTotal: Int

        public init(
            id: String, name: String, presence: String, basePresence: String, connected: Bool, capacityUsed: Int, capacityTotal: Int
        ) {
            self.id = id
            self.name = name
            self.presence = presence
            self.basePresence = basePresence
            self.connected = connected
            self.capacityUsed = capacityUsed
            self.capacityTotal = capacityTotal
        }
    }
}
