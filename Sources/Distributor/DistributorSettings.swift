import SwitchboardCore

/// Who this distributor is and where its peers are: the configuration's entry for `--name`,
/// with the command line's overrides applied.
public struct DistributorSettings: Sendable, Hashable {
    public var name: String
    public var queues: [String]
    public var routerEndpoint: String
    public var presenceEndpoint: String
    public var updatesEndpoint: String
    public var http: String

    public init(
        name: String, queues: [String], routerEndpoint: String, presenceEndpoint: String,
        updatesEndpoint: String, http: String
    ) {
        self.name = name
        self.queues = queues
        self.routerEndpoint = routerEndpoint
        self.presenceEndpoint = presenceEndpoint
        self.updatesEndpoint = updatesEndpoint
        self.http = http
    }

    /// Resolves `name` in `configuration.processes.distributors`; `queues` (from `--queues`)
    /// replaces its queue list and must name configured queues. With `queues` given, `name`
    /// need not be in the configuration, but then `http` must be given.
    public static func resolve(
        configuration: SwitchboardConfiguration, name: String, queues: [String]? = nil,
        routerEndpoint: String? = nil, presenceEndpoint: String? = nil, updatesEndpoint: String? = nil,
        http: String? = nil
    ) throws(DistributorError) -> DistributorSettings {
        let entry = configuration.processes.distributor(named: name)
        guard let ownQueues = queues ?? entry?.queues else {
            let known = configuration.processes.distributors.map(\.name).joined(separator: ", ")
            throw DistributorError(
                code: .unknownDistributor,
                message: "no distributor named '\(name)' in processes.distributors (known: \(known)); pass --queues to run one not in the configuration")
        }
        let unknown = ownQueues.filter { configuration.queue(named: $0) == nil }
        guard unknown.isEmpty, !ownQueues.isEmpty else {
            let known = configuration.queues.map(\.name).joined(separator: ", ")
            throw DistributorError(
                code: .unknownQueue,
                message: ownQueues.isEmpty
                    ? "a distributor needs at least one queue"
                    : "unknown queue(s) \(unknown.joined(separator: ", ")); configured queues: \(known)")
        }
        guard let address = http ?? entry.map({ "\($0.http)" }) else {
            throw DistributorError(code: .unknownDistributor, message: "'\(name)' is not in the configuration: pass --http")
        }
        let processes = configuration.processes
        return DistributorSettings(
            name: name, queues: ownQueues,
            routerEndpoint: routerEndpoint ?? "\(processes.router.distributorEndpoint)",
            presenceEndpoint: presenceEndpoint ?? "\(processes.presence.requestEndpoint)",
            updatesEndpoint: updatesEndpoint ?? "\(processes.presence.updatesEndpoint)",
            http: address)
    }
}
