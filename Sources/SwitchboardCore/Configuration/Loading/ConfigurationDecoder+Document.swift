import Yams

extension ConfigurationDecoder {
    static let topLevelFields = ["version", "system", "processes", "presences", "channels", "workStreams", "queues", "agents"]

    func decodeDocument(_ root: Node?) -> DecodedDocument {
        var document = DecodedDocument()
        guard let root else {
            error("", line: 1, "the file is empty; expected a mapping with fields \(Self.topLevelFields.joined(separator: ", "))")
            return document
        }
        guard let top = mapping(Field(node: root, path: ""), allowed: Self.topLevelFields) else { return document }
        if let field = top.required("version"), let version = integer(field) {
            if version == 1 {
                document.version = version
            } else {
                error(field, "unsupported version \(version); this Switchboard reads version 1")
            }
        }
        document.system = decodeSystem(top.required("system"))
        decodeProcesses(top.required("processes"), into: &document)
        document.customPresences = decodeCustomPresences(top.optional("presences"))
        document.channels = decodeChannels(top.required("channels"))
        document.workStreams = decodeWorkStreams(top.required("workStreams"))
        document.queues = decodeQueues(top.required("queues"))
        document.agents = decodeAgents(top.required("agents"))
        return document
    }

    func decodeSystem(_ field: Field?) -> SystemSettings? {
        guard
            let fields = mapping(
                field, allowed: ["dataDir", "operatorSecret", "agentDisconnectGracePeriod", "dedupeWindow", "cpuScheduling"])
        else { return nil }
        let dataDirectory = fields.optional("dataDir").flatMap(text) ?? SystemSettings.defaultDataDirectory
        let secret = secret(fields.required("operatorSecret"))
        let grace = fields.optional("agentDisconnectGracePeriod").map(duration) ?? SystemSettings.defaultAgentDisconnectGracePeriod
        let window = decodeDedupeWindow(fields.optional("dedupeWindow"))
        let scheduling = fields.optional("cpuScheduling").map { enumeration($0, CPUScheduling.self) } ?? .batch
        guard let secret, let grace, let window, let scheduling else { return nil }
        return SystemSettings(
            dataDirectory: dataDirectory, operatorSecret: secret, agentDisconnectGracePeriod: grace, dedupeWindow: window,
            cpuScheduling: scheduling)
    }

    /// R3's window (decisions §33): at least an hour; shorter than a provider's retries warns.
    private func decodeDedupeWindow(_ field: Field?) -> Duration? {
        guard let field else { return SystemSettings.defaultDedupeWindow }
        guard let window = duration(field) else { return nil }
        if window < SystemSettings.minimumDedupeWindow {
            error(field, "must be at least 1h: the router would forget conversations an adapter may still resend; got \(ConfigurationDuration.format(window))")
            return nil
        }
        if window < SystemSettings.longestProviderRetry {
            warning(at: field.path, "is shorter than 7d: WhatsApp retries a webhook for up to 7 days, and a retry after the window opens a new conversation")
        }
        return window
    }

    func decodeProcesses(_ field: Field?, into document: inout DecodedDocument) {
        guard let fields = mapping(field, allowed: ["router", "presence", "distributors", "ingress"]) else { return }
        // Collects an address for the uniqueness rule and returns it.
        func listen<T: CustomStringConvertible>(_ field: Field?, _ decode: (Field?) -> T?) -> T? {
            guard let field, let value = decode(field) else { return nil }
            document.listenAddresses.append(Located(path: field.path, value: value.description))
            return value
        }
        if let router = mapping(fields.required("router"), allowed: ["ingressEndpoint", "distributorEndpoint", "http"]) {
            let ingress = listen(router.required("ingressEndpoint"), zeroMQEndpoint)
            let distributor = listen(router.required("distributorEndpoint"), zeroMQEndpoint)
            let http = listen(router.required("http"), httpAddress)
            if let ingress, let distributor, let http {
                document.router = RouterProcess(ingressEndpoint: ingress, distributorEndpoint: distributor, http: http)
            }
        }
        if let presence = mapping(fields.required("presence"), allowed: ["requestEndpoint", "updatesEndpoint", "http"]) {
            let request = listen(presence.required("requestEndpoint"), zeroMQEndpoint)
            let updates = listen(presence.required("updatesEndpoint"), zeroMQEndpoint)
            let http = listen(presence.required("http"), httpAddress)
            if let request, let updates, let http {
                document.presence = PresenceProcess(requestEndpoint: request, updatesEndpoint: updates, http: http)
            }
        }
        for item in list(fields.required("distributors"), nonEmpty: true, what: "distributor") ?? [] {
            guard let distributor = mapping(item, allowed: ["name", "queues", "http"]) else { continue }
            let name = identifier(distributor.required("name"))
            let queues = identifierList(distributor.required("queues"), nonEmpty: true, what: "queue")
            let http = listen(distributor.required("http"), httpAddress)
            guard let name else { continue }
            let value = DistributorProcess(name: name, queues: queues?.map(\.value) ?? [], http: http ?? HTTPAddress(host: "", port: 0))
            document.distributors.append(Located(path: item.path, value: value))
        }
        let types = ChannelType.allCases.map(\.rawValue)
        let ingress = mapping(fields.required("ingress"), allowed: types) { name in
            ChannelType.notYetSupported.contains(name)
                ? "channel type '\(name)' is not supported yet; supported: \(ChannelType.allowedValues)"
                : "unknown channel type '\(name)'; expected one of: \(ChannelType.allowedValues)"
        }
        for type in ChannelType.allCases {
            guard let adapter = mapping(ingress?.optional(type.rawValue), allowed: ["http"]) else { continue }
            if let http = listen(adapter.required("http"), httpAddress) {
                document.ingress.append(Located(path: adapter.path, value: IngressProcess(channelType: type, http: http)))
            }
        }
    }

    func decodeCustomPresences(_ field: Field?) -> [Located<CustomPresence>] {
        var result: [Located<CustomPresence>] = []
        for item in list(field) ?? [] {
            guard let fields = mapping(item, allowed: ["name", "base"]) else { continue }
            let nameField = fields.required("name")
            let name = text(nameField)
            let base = enumeration(fields.required("base"), BasePresence.self)
            if let name, let nameField, let clash = BasePresence.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) {
                error(nameField, "'\(name)' is the name of the base presence \(clash.rawValue); a custom presence needs a name of its own")
            }
            // Agent updates carry it.
            if let name, let nameField, name.count > ConfigurationSyntax.maximumNameLength {
                error(nameField, "a custom presence name is at most \(ConfigurationSyntax.maximumNameLength) characters, got \(name.count)")
            }
            guard let name else { continue }
            result.append(Located(path: item.path, value: CustomPresence(name: name, base: base ?? .available)))
        }
        return result
    }

    func decodeQueues(_ field: Field?) -> [Located<QueueDefinition>] {
        var result: [Located<QueueDefinition>] = []
        let allowed = ["name", "priority", "agents", "assignment", "offerTimeout", "maxDeclines", "onMissedOffer"]
        for item in list(field, nonEmpty: true, what: "queue") ?? [] {
            guard let fields = mapping(item, allowed: allowed) else { continue }
            let name = identifier(fields.required("name"))
            let priority = integer(fields.required("priority"))
            let agents = identifierList(fields.optional("agents"), nonEmpty: false, what: "agent") ?? []
            let assignment = enumeration(fields.required("assignment"), AssignmentMethod.self)
            let timeout = fields.optional("offerTimeout").map(duration) ?? QueueDefinition.defaultOfferTimeout
            let declines = fields.optional("maxDeclines").map { integer($0, in: QueueDefinition.maxDeclinesRange) }
                ?? QueueDefinition.defaultMaxDeclines
            let missed = fields.optional("onMissedOffer").map { enumeration($0, MissedOfferAction.self) } ?? .keep
            guard let name else { continue }
            let queue = QueueDefinition(
                name: name, priority: priority ?? 0, agents: agents.map(\.value),
                assignment: assignment ?? .highestCapacity, offerTimeout: timeout ?? QueueDefinition.defaultOfferTimeout,
                maxDeclines: declines ?? QueueDefinition.defaultMaxDeclines, onMissedOffer: missed ?? .keep
            )
            result.append(Located(path: item.path, value: queue))
        }
        return result
    }

    func decodeAgents(_ field: Field?) -> [Located<Agent>] {
        var result: [Located<Agent>] = []
        for item in list(field, nonEmpty: true, what: "agent") ?? [] {
            guard let fields = mapping(item, allowed: ["id", "name", "capacity", "secret"]) else { continue }
            let id = identifier(fields.required("id"))
            let name = text(fields.required("name"))
            let capacity = positiveInteger(fields.required("capacity"))
            let secret = secret(fields.required("secret"))
            guard let id else { continue }
            let agent = Agent(
                id: id, name: name ?? id, capacity: capacity ?? 1,
                secret: secret ?? SecretReference(environmentVariable: "")
            )
            result.append(Located(path: item.path, value: agent))
        }
        return result
    }
}
