/// The rules that span entries: uniqueness, references between channels, work streams,
/// queues, agents and distributors, and the warnings an operator wants (spec §1).
/// Runs after decoding and reports into the same decoder, so every issue comes out at once.
struct ConfigurationValidator {
    let decoder: ConfigurationDecoder
    let document: DecodedDocument

    func validate() {
        let channels = unique(document.channels, key: \.id, what: "channel id")
        let workStreams = unique(document.workStreams, key: \.name, what: "work stream name")
        let queues = unique(document.queues, key: \.name, what: "queue name")
        let agents = unique(document.agents, key: \.id, what: "agent id")
        _ = unique(document.customPresences, key: \.name, what: "custom presence name")
        _ = unique(document.distributors, key: \.name, what: "distributor name")
        checkProviderIdentifiers()
        checkChannelsAndWorkStreams(channels: channels, workStreams: workStreams)
        checkQueueReferences(queues: queues, agents: agents)
        checkProcesses(queues: queues)
        warnAboutMissedOffers(queues: queues)
        warnAboutCapacity(queues: queues, agents: agents)
    }

    /// D1: push never takes an agent above capacity, so a work stream whose conversations
    /// need more units than any member of a target queue has would never be offered there.
    private func warnAboutCapacity(queues: [String: Located<QueueDefinition>], agents: [String: Located<Agent>]) {
        for stream in document.workStreams where stream.value.distribution == .push {
            guard !decoder.failed(stream.path.field("capacity")) else { continue }
            for name in stream.value.targetQueues {
                guard let queue = queues[name] else { continue }
                let capacities = queue.value.agents.compactMap { agents[$0]?.value.capacity }
                guard let largest = capacities.max(), largest < stream.value.capacity else { continue }
                decoder.warning(at: stream.path.field("capacity"),
                                "conversations need \(stream.value.capacity) capacity units but no agent of queue '\(name)' has that many (largest: \(largest)); push can never offer them there")
            }
        }
    }

    /// Reports every repeat after the first and returns the first of each key with its path.
    private func unique<T>(_ items: [Located<T>], key: (T) -> String, what: String) -> [String: Located<T>] {
        var firsts: [String: Located<T>] = [:]
        for item in items {
            let name = key(item.value)
            if let first = firsts[name] {
                decoder.error(at: item.path, "duplicate \(what) '\(name)' (first declared at line \(decoder.line(of: first.path)))")
            } else {
                firsts[name] = item
            }
        }
        return firsts
    }

    /// C2: two channel instances of one type cannot share the provider's identifier.
    private func checkProviderIdentifiers() {
        var seen: [String: Located<ChannelInstance>] = [:]
        for channel in document.channels where !decoder.failed(channel.path.field("type")) {
            guard let identifier = channel.value.provider.providerIdentifier, !identifier.isEmpty else { continue }
            let key = "\(channel.value.type.rawValue)/\(identifier)"
            if let first = seen[key] {
                let field = Self.identifierField(channel.value.type)
                decoder.error(at: channel.path.field(field),
                              "\(channel.value.type.rawValue) \(field) '\(identifier)' is already used by channel '\(first.value.id)' (line \(decoder.line(of: first.path.field(field)))); each provider identifier belongs to one channel")
            } else {
                seen[key] = channel
            }
        }
    }

    static func identifierField(_ type: ChannelType) -> String {
        switch type {
        case .sms: "phoneNumber"
        case .facebook: "pageId"
        case .whatsapp: "phoneNumberId"
        case .twitter: "accountId"
        case .chat, .custom: "id"
        }
    }

    /// W1/C2: a channel's `workStream` and the work stream's `channels` agree, types match,
    /// and each channel belongs to exactly one work stream.
    private func checkChannelsAndWorkStreams(
        channels: [String: Located<ChannelInstance>], workStreams: [String: Located<WorkStream>]
    ) {
        var listedBy: [String: String] = [:]
        for stream in document.workStreams {
            let typeKnown = !decoder.failed(stream.path.field("channelType"))
            for (index, channelId) in stream.value.channels.enumerated() {
                let path = stream.path.field("channels").item(index)
                guard let channel = channels[channelId] else {
                    if decoder.someEntryLostItsKey("channels", key: "id") { continue }
                    decoder.error(at: path, "unknown channel '\(channelId)'; declared channels: \(channels.keys.sorted().joined(separator: ", "))")
                    continue
                }
                if let other = listedBy[channelId], other != stream.value.name {
                    decoder.error(at: path, "channel '\(channelId)' is already listed by work stream '\(other)'; a channel belongs to exactly one work stream")
                    continue
                }
                listedBy[channelId] = stream.value.name
                if typeKnown, !decoder.failed(channel.path.field("type")), channel.value.type != stream.value.channelType {
                    decoder.error(at: path, "channel '\(channelId)' is of type \(channel.value.type.rawValue), but this work stream's channelType is \(stream.value.channelType.rawValue)")
                }
                let named = channel.value.workStream
                if !named.isEmpty, named != stream.value.name {
                    decoder.error(at: path, "channel '\(channelId)' names work stream '\(named)' in its workStream field, not '\(stream.value.name)'")
                }
            }
        }
        for channel in document.channels where !channel.value.workStream.isEmpty {
            let path = channel.path.field("workStream")
            let name = channel.value.workStream
            guard let stream = workStreams[name] else {
                if decoder.someEntryLostItsKey("workStreams", key: "name") { continue }
                decoder.error(at: path, "unknown work stream '\(name)'; declared work streams: \(workStreams.keys.sorted().joined(separator: ", "))")
                continue
            }
            if !stream.value.channels.contains(channel.value.id), !decoder.failed(stream.path.field("channels")) {
                decoder.error(at: path, "work stream '\(name)' does not list channel '\(channel.value.id)' in its channels; add it there too")
            }
        }
    }

    /// W3/Q1: rule targets, fallbacks and queue members exist; warnings for unused entries.
    private func checkQueueReferences(queues: [String: Located<QueueDefinition>], agents: [String: Located<Agent>]) {
        let queueNames = queues.keys.sorted().joined(separator: ", ")
        let queuesKnown = !decoder.someEntryLostItsKey("queues", key: "name")
        var targeted = Set<String>()
        for stream in document.workStreams {
            for (index, rule) in stream.value.routingRules.enumerated() where !rule.queue.isEmpty {
                targeted.insert(rule.queue)
                if queuesKnown, queues[rule.queue] == nil {
                    decoder.error(at: stream.path.field("routingRules").item(index).field("queue"), "unknown queue '\(rule.queue)'; declared queues: \(queueNames)")
                }
            }
            let fallback = stream.value.fallbackQueue
            guard !fallback.isEmpty else { continue }
            targeted.insert(fallback)
            if queuesKnown, queues[fallback] == nil {
                decoder.error(at: stream.path.field("fallbackQueue"), "unknown queue '\(fallback)'; declared queues: \(queueNames)")
            }
        }
        var members = Set<String>()
        for queue in document.queues {
            for (index, agent) in queue.value.agents.enumerated() {
                members.insert(agent)
                if agents[agent] == nil, !decoder.someEntryLostItsKey("agents", key: "id") {
                    decoder.error(at: queue.path.field("agents").item(index), "unknown agent '\(agent)'; declared agents: \(agents.keys.sorted().joined(separator: ", "))")
                }
            }
            if queue.value.agents.isEmpty, !decoder.failed(queue.path.field("agents")) {
                decoder.warning(at: queue.path, "queue '\(queue.value.name)' has no agents; its conversations will wait until agents are added")
            }
            if !targeted.contains(queue.value.name) {
                decoder.warning(at: queue.path, "queue '\(queue.value.name)' is not the target of any routing rule or fallbackQueue; nothing will reach it")
            }
        }
        for agent in document.agents where !members.contains(agent.value.id) {
            decoder.warning(at: agent.path, "agent '\(agent.value.id)' is in no queue; list it in a queue's agents to give it work")
        }
    }

    /// Processes: each queue has exactly one distributor, every channel type in use an
    /// ingress adapter, and no two listeners share an address.
    private func checkProcesses(queues: [String: Located<QueueDefinition>]) {
        var owner: [String: String] = [:]
        for distributor in document.distributors {
            for (index, queue) in distributor.value.queues.enumerated() {
                let path = distributor.path.field("queues").item(index)
                if queues[queue] == nil {
                    if decoder.someEntryLostItsKey("queues", key: "name") { continue }
                    decoder.error(at: path, "unknown queue '\(queue)'; declared queues: \(queues.keys.sorted().joined(separator: ", "))")
                } else if let other = owner[queue] {
                    decoder.error(at: path, "queue '\(queue)' is already served by distributor '\(other)'; a queue has exactly one distributor")
                } else {
                    owner[queue] = distributor.value.name
                }
            }
        }
        if !document.distributors.isEmpty {
            for queue in document.queues where owner[queue.value.name] == nil {
                decoder.error(at: queue.path.field("name"), "queue '\(queue.value.name)' is served by no distributor; add it to the queues of one entry in processes.distributors")
            }
        }
        if !decoder.failed("processes.ingress") {
            let adapters = Set(document.ingress.map(\.value.channelType))
            let typed = document.channels.filter { !decoder.failed($0.path.field("type")) }
            var reported = Set<ChannelType>()
            for channel in typed where !adapters.contains(channel.value.type) {
                guard reported.insert(channel.value.type).inserted else { continue }
                decoder.error(at: channel.path.field("type"), "no ingress adapter is configured for channel type \(channel.value.type.rawValue); add processes.ingress.\(channel.value.type.rawValue) with its http address")
            }
            let used = Set(typed.map(\.value.type))
            for adapter in document.ingress where !used.contains(adapter.value.channelType) {
                decoder.warning(at: adapter.path, "an ingress adapter is configured for channel type \(adapter.value.channelType.rawValue), but no channel has that type")
            }
        }
        var addresses: [String: String] = [:]
        for address in document.listenAddresses {
            if let first = addresses[address.value] {
                decoder.error(at: address.path, "'\(address.value)' is already used by \(first); each process needs its own endpoint and HTTP address")
            } else {
                addresses[address.value] = address.path
            }
            if address.value.hasPrefix("inproc://") {
                decoder.warning(at: address.path, "inproc:// endpoints only connect threads of one process; separate processes need tcp:// or ipc://")
            }
        }
    }

    /// P1: a queue that sets agents away on a missed offer should not serve a work stream
    /// that offers to away agents (the seed's "do not select Away").
    private func warnAboutMissedOffers(queues: [String: Located<QueueDefinition>]) {
        for stream in document.workStreams where stream.value.allowedPresences.contains(.away) {
            for name in stream.value.targetQueues {
                guard let queue = queues[name], queue.value.onMissedOffer == .away else { continue }
                decoder.warning(at: queue.path.field("onMissedOffer"),
                                "queue '\(name)' sets agents away on a missed offer, but work stream '\(stream.value.name)', which it serves, allows the away presence; agents who miss an offer would keep getting offers")
            }
        }
    }
}
