/// What decoding produced, before cross-reference validation: every element that had a
/// usable id, with its path. Fields that failed hold placeholders; the decoder knows which.
struct DecodedDocument {
    var version: Int?
    var system: SystemSettings?
    var router: RouterProcess?
    var presence: PresenceProcess?
    var distributors: [Located<DistributorProcess>] = []
    var ingress: [Located<IngressProcess>] = []
    /// Every endpoint and HTTP address with its path, for the "no two processes share" rule.
    var listenAddresses: [Located<String>] = []
    var customPresences: [Located<CustomPresence>] = []
    var channels: [Located<ChannelInstance>] = []
    var workStreams: [Located<WorkStream>] = []
    var queues: [Located<QueueDefinition>] = []
    var agents: [Located<Agent>] = []

    /// The configuration, when every required part decoded. Only meaningful without errors.
    func configuration() -> SwitchboardConfiguration? {
        guard let version, let system, let router, let presence else { return nil }
        let processes = ProcessTopology(
            router: router, presence: presence, distributors: distributors.map(\.value),
            ingress: Dictionary(ingress.map { ($0.value.channelType, $0.value) }, uniquingKeysWith: { first, _ in first })
        )
        return SwitchboardConfiguration(
            version: version, system: system, processes: processes, customPresences: customPresences.map(\.value),
            channels: channels.map(\.value), workStreams: workStreams.map(\.value), queues: queues.map(\.value),
            agents: agents.map(\.value)
        )
    }
}
