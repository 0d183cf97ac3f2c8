extension OperatorStatus.System {
    /// The readable table `switchboard status` prints: processes, work streams, queues,
    /// agents. `?` marks what is unknown because the process that knows did not answer.
    public var table: String {
        var sections: [String] = []
        sections.append(
            "PROCESSES\n" + TextTable.render(
                header: ["PROCESS", "ADDRESS", "STATE"],
                rows: processes.map { answer in
                    [answer.process, answer.address, answer.error.map { "\(answer.state.rawValue): \($0)" } ?? answer.state.rawValue]
                }))
        if let workStreams {
            sections.append(
                "WORK STREAMS\n" + TextTable.render(
                    header: ["NAME", "CHANNEL TYPE", "DISTRIBUTION", "CHANNELS"],
                    rows: workStreams.map { [$0.name, $0.channelType, $0.distribution, $0.channels.joined(separator: ",")] }))
        } else {
            sections.append("WORK STREAMS\n  ? (router unreachable)")
        }
        let ownerKnown = routerAnswered
        sections.append(
            "QUEUES\n" + TextTable.render(
                header: ["NAME", "PRIORITY", "OWNER", "WAITING", "OLDEST WAIT", "ACTIVE", "PENDING"],
                rows: queues.map { queue in
                    [
                        queue.name, "\(queue.priority)",
                        ownerKnown ? (queue.owner.map { queue.ownerAlive ? $0 : "\($0) (not alive)" } ?? "none") : "?",
                        queue.waiting.map(String.init) ?? "?",
                        queue.oldestWaitMs.map(Self.age) ?? (queue.waiting == nil ? "?" : "-"),
                        queue.active.map(String.init) ?? "?",
                        queue.pendingDeliveries.map(String.init) ?? "?",
                    ]
                }))
        if let agents {
            sections.append(
                "AGENTS\n" + TextTable.render(
                    header: ["AGENT", "NAME", "PRESENCE", "LOAD", "CONNECTED"],
                    rows: agents.map { agent in
                        let presence = agent.presence == agent.basePresence ? agent.presence : "\(agent.presence) (\(agent.basePresence))"
                        return [agent.id, agent.name, presence, "\(agent.capacityUsed)/\(agent.capacityTotal)", agent.connected ? "yes" : "no"]
                    }))
        } else {
            sections.append("AGENTS\n  ? (presence unreachable)")
        }
        return sections.joined(separator: "\n\n")
    }

    /// `850ms`, `42s`, `3m05s`, `2h07m`: short enough for a column, exact enough to compare.
    static func age(_ milliseconds: Int64) -> String {
        let ms = max(0, milliseconds)
        if ms < 1000 { return "\(ms)ms" }
        let seconds = ms / 1000
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + twoDigits(seconds % 60) + "s" }
        return "\(seconds / 3600)h" + twoDigits(seconds % 3600 / 60) + "m"
    }

    private static func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

/// Left-aligned columns two spaces apart, indented by two, without trailing blanks.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        return all.map { row in
            var line = "  "
            for (index, cell) in row.enumerated() where index < widths.count {
                line += index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count + 2)
            }
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
