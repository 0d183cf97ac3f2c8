extension OperatorStatus {
    /// What one process's `/status` gave `switchboard status`.
    public enum Outcome<Document: Sendable>: Sendable {
        case answered(Document)
        /// No answer: refused connection, timeout, unparseable body.
        case unreachable(String)
        /// An HTTP error answer (401 wrong secret, 503 no secret configured, …).
        case refused(status: Int, reason: String)
    }

    public struct Reply<Document: Sendable>: Sendable {
        public var process: String
        public var address: String
        public var outcome: Outcome<Document>

        public init(process: String, address: String, outcome: Outcome<Document>) {
            self.process = process
            self.address = address
            self.outcome = outcome
        }

        var document: Document? {
            if case .answered(let document) = outcome { document } else { nil }
        }

        var answer: ProcessAnswer {
            switch outcome {
            case .answered: ProcessAnswer(process: process, address: address, state: .ok, error: nil)
            case .unreachable(let reason): ProcessAnswer(process: process, address: address, state: .unreachable, error: reason)
            case .refused(let status, let reason):
                ProcessAnswer(process: process, address: address, state: .refused, error: "HTTP \(status): \(reason)")
            }
        }
    }

    public struct ProcessAnswer: Codable, Sendable, Equatable {
        public enum State: String, Codable, Sendable {
            case ok, unreachable, refused
        }

        public var process: String
        public var address: String
        public var state: State
        public var error: String?
    }

    /// A queue as the operator sees it: the router's view joined with its distributor's.
    public struct Queue: Codable, Sendable, Equatable {
        public var name: String
        public var priority: Int
        /// The owning distributor; nil when the queue has none (or the router did not answer).
        public var owner: String?
        public var ownerAlive: Bool
        /// nil: unknown (the process that knows did not answer).
        public var waiting: Int?
        public var oldestWaitMs: Int64?
        public var active: Int?
        public var pendingDeliveries: Int?
    }

    /// The merged view `switchboard status` prints (`--json` prints exactly this).
    public struct System: Codable, Sendable, Equatable {
        public var processes: [ProcessAnswer]
        /// nil when the router did not answer.
        public var workStreams: [WorkStream]?
        public var queues: [Queue]
        /// nil when presence did not answer.
        public var agents: [Agent]?

        /// Every process answered 200.
        public var allAnswered: Bool { processes.allSatisfy { $0.state == .ok } }
        var routerAnswered: Bool { processes.first { $0.process == "router" }?.state == .ok }

        /// Joins the answers. Queues come from the router (its configuration is what runs);
        /// when it did not answer, from `configuredQueues` with owner and pending unknown.
        /// Waiting counts come from the owner's answer, or, for a queue without an owner,
        /// from any distributor that still reports it.
        public static func merging(
            router: Reply<Router>, distributors: [Reply<Distributor>], presence: Reply<Presence>,
            configuredQueues: [(name: String, priority: Int)]
        ) -> System {
            let routerQueues = router.document?.queues
                ?? configuredQueues.map { RouterQueue(name: $0.name, priority: $0.priority, owner: nil, ownerAlive: false, pendingDeliveries: nil) }
            var reports: [String: [String: DistributorQueue]] = [:]
            for reply in distributors {
                guard let document = reply.document else { continue }
                reports[reply.process] = Dictionary(document.queues.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            }
            let queues = routerQueues.map { queue in
                let report = queue.owner.flatMap { reports[$0]?[queue.name] }
                    ?? (queue.owner == nil ? distributors.lazy.compactMap { reports[$0.process]?[queue.name] }.first : nil)
                return Queue(
                    name: queue.name, priority: queue.priority, owner: queue.owner, ownerAlive: queue.ownerAlive,
                    waiting: report?.waiting, oldestWaitMs: report?.oldestWaitMs, active: report?.active,
                    pendingDeliveries: queue.pendingDeliveries)
            }
            return System(
                processes: [router.answer] + distributors.map(\.answer) + [presence.answer],
                workStreams: router.document?.workStreams, queues: queues, agents: presence.document?.agents)
        }
    }
}
