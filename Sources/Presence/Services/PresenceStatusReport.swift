import ProcessRuntime
import SwitchboardCore

extension OperatorStatus.Presence {
    /// Presence's `/status` answer (operators, I4): every configured agent with its presence
    /// and load, in configuration order.
    public init(agents: [AgentPresence], configuration: SwitchboardConfiguration) {
        self.init(
            process: "presence",
            agents: agents.map { agent in
                OperatorStatus.Agent(
                    id: agent.agentID, name: configuration.agent(id: agent.agentID)?.name ?? agent.agentID,
                    presence: agent.chosenPresence, basePresence: agent.basePresence.rawValue, connected: agent.connected,
                    capacityUsed: agent.capacityUsed, capacityTotal: agent.capacityTotal)
            })
    }
}
