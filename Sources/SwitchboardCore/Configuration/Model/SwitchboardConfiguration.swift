/// The whole validated configuration (spec §1). Built only by `ConfigurationLoader`, so
/// every cross reference in it resolves; the lookup tables are built once here.
public struct SwitchboardConfiguration: Sendable {
    public let version: Int
    public let system: SystemSettings
    public let processes: ProcessTopology
    public let customPresences: [CustomPresence]
    public let channels: [ChannelInstance]
    public let workStreams: [WorkStream]
    public let queues: [QueueDefinition]
    public let agents: [Agent]

    private let channelIndex: [String: Int]
    private let workStreamIndex: [String: Int]
    private let queueIndex: [String: Int]
    private let agentIndex: [String: Int]
    private let customPresenceIndex: [String: Int]
    private let queuesByAgent: [String: [String]]

    public init(
        version: Int, system: SystemSettings, processes: ProcessTopology, customPresences: [CustomPresence],
        channels: [ChannelInstance], workStreams: [WorkStream], queues: [QueueDefinition], agents: [Agent]
    ) {
        self.version = version
        self.system = system
        self.processes = processes
        self.customPresences = customPresences
        self.channels = channels
        self.workStreams = workStreams
        self.queues = queues
        self.agents = agents
        channelIndex = Self.index(channels.map(\.id))
        workStreamIndex = Self.index(workStreams.map(\.name))
        queueIndex = Self.index(queues.map(\.name))
        agentIndex = Self.index(agents.map(\.id))
        customPresenceIndex = Self.index(customPresences.map(\.name))
        // Lower priority number first (Q2), so callers can walk an agent's queues in serving order.
        var byAgent: [String: [String]] = [:]
        for queue in queues.sorted(by: { $0.priority < $1.priority }) {
            for agent in queue.agents { byAgent[agent, default: []].append(queue.name) }
        }
        queuesByAgent = byAgent
    }

    // Validation guarantees unique keys; keep the first anyway rather than trap.
    private static func index(_ keys: [String]) -> [String: Int] {
        Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func channel(id: String) -> ChannelInstance? { channelIndex[id].map { channels[$0] } }
    public func workStream(named name: String) -> WorkStream? { workStreamIndex[name].map { workStreams[$0] } }
    public func queue(named name: String) -> QueueDefinition? { queueIndex[name].map { queues[$0] } }
    public func agent(id: String) -> Agent? { agentIndex[id].map { agents[$0] } }
    public func customPresence(named name: String) -> CustomPresence? {
        customPresenceIndex[name].map { customPresences[$0] }
    }

    /// The work stream a channel instance's conversations inherit (R1).
    public func workStream(forChannel channelId: String) -> WorkStream? {
        channel(id: channelId).flatMap { workStream(named: $0.workStream) }
    }

    /// Names of the queues an agent belongs to, lowest priority number first.
    public func queueNames(ofAgent agentId: String) -> [String] { queuesByAgent[agentId] ?? [] }

    /// The channel types that have at least one channel instance.
    public var channelTypesInUse: [ChannelType] {
        let used = Set(channels.map(\.type))
        return ChannelType.allCases.filter(used.contains)
    }
}
