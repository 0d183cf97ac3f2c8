import SwitchboardCore

/// The short human summary `switchboard validate` prints for a valid configuration.
struct ConfigurationSummary {
    let text: String

    init(_ configuration: SwitchboardConfiguration, file: String) {
        var lines = ["\(file): valid"]
        lines.append("work streams (\(configuration.workStreams.count)):")
        for stream in configuration.workStreams {
            var traits = [stream.channelType.rawValue, stream.distribution.rawValue, "capacity \(stream.capacity)"]
            if stream.agentAffinity { traits.append("agent affinity") }
            if stream.selectFromPush { traits.append("select from push") }
            lines.append("  \(stream.name): \(traits.joined(separator: ", ")); \(stream.routingRules.count) rules, fallback \(stream.fallbackQueue)")
        }
        lines.append("channels (\(configuration.channels.count)):")
        for channel in configuration.channels {
            lines.append("  \(channel.id): \(channel.type.rawValue) → \(channel.workStream)")
        }
        lines.append("queues (\(configuration.queues.count)):")
        for queue in configuration.queues {
            let agents = queue.agents.count == 1 ? "1 agent" : "\(queue.agents.count) agents"
            let owner = configuration.processes.distributor(forQueue: queue.name)?.name ?? "-"
            lines.append("  \(queue.name): priority \(queue.priority), \(queue.assignment.rawValue), \(agents), distributor \(owner)")
        }
        lines.append("agents (\(configuration.agents.count)):")
        for agent in configuration.agents {
            lines.append("  \(agent.id): \(agent.name), capacity \(agent.capacity), queues \(configuration.queueNames(ofAgent: agent.id).joined(separator: ", "))")
        }
        lines.append("custom presences (\(configuration.customPresences.count)):")
        for presence in configuration.customPresences {
            lines.append("  \(presence.name) → \(presence.base.rawValue)")
        }
        text = lines.joined(separator: "\n")
    }
}
