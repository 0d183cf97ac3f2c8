/// Where every process listens (`processes:`). Flags may override each endpoint at start.
public struct ProcessTopology: Sendable, Hashable {
    public let router: RouterProcess
    public let presence: PresenceProcess
    public let distributors: [DistributorProcess]
    /// One adapter process per channel type in use.
    public let ingress: [ChannelType: IngressProcess]

    public init(router: RouterProcess, presence: PresenceProcess, distributors: [DistributorProcess], ingress: [ChannelType: IngressProcess]) {
        self.router = router
        self.presence = presence
        self.distributors = distributors
        self.ingress = ingress
    }

    /// The distributor that owns a queue (exactly one after validation).
    public func distributor(forQueue queue: String) -> DistributorProcess? {
        distributors.first { $0.queues.contains(queue) }
    }

    public func distributor(named name: String) -> DistributorProcess? {
        distributors.first { $0.name == name }
    }
}

public struct RouterProcess: Sendable, Hashable {
    /// ROUTER bound by the router; ingress adapters connect DEALER.
    public let ingressEndpoint: ZeroMQEndpoint
    /// ROUTER bound by the router; distributors connect DEALER.
    public let distributorEndpoint: ZeroMQEndpoint
    /// `/healthz`, `/metrics`.
    public let http: HTTPAddress

    public init(ingressEndpoint: ZeroMQEndpoint, distributorEndpoint: ZeroMQEndpoint, http: HTTPAddress) {
        self.ingressEndpoint = ingressEndpoint
        self.distributorEndpoint = distributorEndpoint
        self.http = http
    }
}

public struct PresenceProcess: Sendable, Hashable {
    /// ROUTER: reserve, release, snapshot, offers.
    public let requestEndpoint: ZeroMQEndpoint
    /// PUB: sequence-numbered agent updates.
    public let updatesEndpoint: ZeroMQEndpoint
    /// Agent WebSocket and HTTP API, `/healthz`, `/metrics`.
    public let http: HTTPAddress

    public init(requestEndpoint: ZeroMQEndpoint, updatesEndpoint: ZeroMQEndpoint, http: HTTPAddress) {
        self.requestEndpoint = requestEndpoint
        self.updatesEndpoint = updatesEndpoint
        self.http = http
    }
}

public struct DistributorProcess: Sendable, Hashable {
    public let name: String
    /// The queues this distributor owns; every queue has exactly one owner.
    public let queues: [String]
    public let http: HTTPAddress

    public init(name: String, queues: [String], http: HTTPAddress) {
        self.name = name
        self.queues = queues
        self.http = http
    }
}

public struct IngressProcess: Sendable, Hashable {
    public let channelType: ChannelType
    /// Provider webhooks (or the chat widget), `/healthz`, `/metrics`.
    public let http: HTTPAddress

    public init(channelType: ChannelType, http: HTTPAddress) {
        self.channelType = channelType
        self.http = http
    }
}
