import SwitchboardCore
import Wire

/// Finding a conversation's distributor when presence knows no route for it (decisions §23):
/// after a restart, a conversation that holds no capacity (WrapUp with `wrapUpCapacity`
/// `never` or past its duration, Waiting) has no stored reservation to name it. Rather than
/// keep a second record of who holds what, presence asks the distributors, the owners of
/// the agent's queues first; the one that has the conversation checks the agent holds it.
extension PresenceCoordinator {
    /// Where an agent's action or reply on a conversation goes: the conversation's route, or,
    /// without one (lost with a restart: a WrapUp or Waiting conversation holds no capacity,
    /// so no stored reservation names it), the first distributor to ask and the rest (§23,
    /// §29); the one that has the conversation checks that this agent holds it.
    func destination(
        ofConversation conversationID: String, agentID: String
    ) throws(AgentProtocolError) -> (peer: DistributorPeer, route: ConversationRoute?, untried: [DistributorPeer]) {
        if let route = route(of: conversationID) {
            guard route.agentID == agentID else { throw Self.notYourConversation(conversationID) }
            return (route.peer, route, [])
        }
        var untried = distributorsToAsk(for: agentID)
        guard !untried.isEmpty else { throw Self.notYourConversation(conversationID) }
        return (untried.removeFirst(), nil, untried)
    }

    static func notYourConversation(_ conversationID: String) -> AgentProtocolError {
        AgentProtocolError("notYourConversation", "conversation \(conversationID) is not offered or assigned to this agent")
    }

    /// A request whose distributor's link refused it (`what`: "conversation", "offer").
    static func distributorUnreachable(_ what: String) -> AgentProtocolError {
        AgentProtocolError("unavailable", "the distributor of this \(what) cannot be reached; try again")
    }

    func distributorsToAsk(for agentID: String) -> [DistributorPeer] {
        Self.distributorsToAsk(
            agentQueues: configuration.queueNames(ofAgent: agentID), learnedOwner: learnedOwner(of:), topology: configuration.processes)
    }

    /// Each distributor once: the learned then configured owners of the agent's queues (in
    /// name order), then every other configured distributor (a transfer to the agent may have
    /// come from a queue they are not a member of).
    static func distributorsToAsk(
        agentQueues: [String], learnedOwner: (String) -> DistributorPeer?, topology: ProcessTopology
    ) -> [DistributorPeer] {
        var peers: [DistributorPeer] = []
        func add(_ peer: DistributorPeer) { if !peers.contains(peer) { peers.append(peer) } }
        for queue in agentQueues.sorted() {
            if let learned = learnedOwner(queue) { add(learned) }
            if let configured = topology.distributor(forQueue: queue) { add(DistributorPeer(distributorName: configured.name)) }
        }
        for distributor in topology.distributors { add(DistributorPeer(distributorName: distributor.name)) }
        return peers
    }
}
