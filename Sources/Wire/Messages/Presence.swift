// Presence state: AgentUpdate (PUB) and snapshots (presence.proto).

/// The full state of one agent (not a delta).
public struct AgentState: Sendable, Hashable {
    /// Required.
    public var agentID: String
    public var basePresence: BasePresence
    /// The chosen custom presence's name, if any.
    public var customPresence: String?
    public var capacityTotal: UInt32
    /// May exceed `capacityTotal` (D2-D4).
    public var capacityUsed: UInt32
    /// The agent has a live WebSocket.
    public var connected: Bool
    public var lastAssignmentAtMs: Int64?
    public var updatedAtMs: Int64

    public init(
        agentID: String, basePresence: BasePresence, customPresence: String? = nil,
        capacityTotal: UInt32 = 0, capacityUsed: UInt32 = 0, connected: Bool = false,
        lastAssignmentAtMs: Int64? = nil, updatedAtMs: Int64 = 0
    ) {
        self.agentID = agentID
        self.basePresence = basePresence
        self.customPresence = customPresence
        self.capacityTotal = capacityTotal
        self.capacityUsed = capacityUsed
        self.connected = connected
        self.lastAssignmentAtMs = lastAssignmentAtMs
        self.updatedAtMs = updatedAtMs
    }
}

/// Presence PUB: one agent changed (type 0x0501). Topic `agent.<agent id>`.
public struct AgentUpdate: Sendable, Hashable {
    /// Required, > 0; +1 per published change.
    public var sequence: UInt64
    public var agent: AgentState

    public init(sequence: UInt64, agent: AgentState) {
        self.sequence = sequence
        self.agent = agent
    }
}

/// Distributor -> presence: send me the state of all agents (type 0x0502).
public struct SnapshotRequest: Sendable, Hashable {
    /// nil = all agents.
    public var agentIDPrefix: String?

    public init(agentIDPrefix: String? = nil) {
        self.agentIDPrefix = agentIDPrefix
    }
}

/// Presence -> distributor: one chunk of a snapshot (type 0x0503).
public struct SnapshotReply: Sendable, Hashable {
    /// The SnapshotRequest's message id.
    public var requestID: MessageID
    /// The snapshot reflects every update with a sequence <= this.
    public var sequence: UInt64
    public var agents: [AgentState]
    /// 0, 1, 2, ...
    public var chunk: UInt32
    public var isLastChunk: Bool

    public init(requestID: MessageID, sequence: UInt64, agents: [AgentState] = [], chunk: UInt32 = 0, isLastChunk: Bool = true) {
        self.requestID = requestID
        self.sequence = sequence
        self.agents = agents
        self.chunk = chunk
        self.isLastChunk = isLastChunk
    }
}

// MARK: protobuf mapping

extension AgentState {
    init(proto: Switchboard_Wire_V1_AgentState, field: String) throws(WireError) {
        self.init(
            agentID: try requireID(proto.agentID, "\(field).agent_id"),
            basePresence: try BasePresence(proto: proto.basePresence, field: "\(field).base_presence"),
            customPresence: try optionalID(proto.customPresence, "\(field).custom_presence"),
            capacityTotal: proto.capacityTotal,
            capacityUsed: proto.capacityUsed,
            connected: proto.connected,
            lastAssignmentAtMs: proto.hasLastAssignmentAtMs ? proto.lastAssignmentAtMs : nil,
            updatedAtMs: proto.updatedAtMs)
    }

    var proto: Switchboard_Wire_V1_AgentState {
        var proto = Switchboard_Wire_V1_AgentState()
        proto.agentID = agentID
        proto.basePresence = basePresence.proto
        proto.customPresence = customPresence ?? ""
        proto.capacityTotal = capacityTotal
        proto.capacityUsed = capacityUsed
        proto.connected = connected
        if let lastAssignmentAtMs { proto.lastAssignmentAtMs = lastAssignmentAtMs }
        proto.updatedAtMs = updatedAtMs
        return proto
    }
}

extension AgentUpdate: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_AgentUpdate) throws(WireError) {
        guard proto.sequence > 0 else { throw WireError.missing("sequence") }
        guard proto.hasAgent else { throw WireError.missing("agent") }
        self.init(sequence: proto.sequence, agent: try AgentState(proto: proto.agent, field: "agent"))
    }

    var proto: Switchboard_Wire_V1_AgentUpdate {
        var proto = Switchboard_Wire_V1_AgentUpdate()
        proto.sequence = sequence
        proto.agent = agent.proto
        return proto
    }
}

extension SnapshotRequest: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_SnapshotRequest) throws(WireError) {
        self.init(agentIDPrefix: try optionalID(proto.agentIDPrefix, "agent_id_prefix"))
    }

    var proto: Switchboard_Wire_V1_SnapshotRequest {
        var proto = Switchboard_Wire_V1_SnapshotRequest()
        proto.agentIDPrefix = agentIDPrefix ?? ""
        return proto
    }
}

extension SnapshotReply: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_SnapshotReply) throws(WireError) {
        var agents = [AgentState]()
        agents.reserveCapacity(proto.agents.count)
        for (index, agent) in proto.agents.enumerated() {
            agents.append(try AgentState(proto: agent, field: "agents[\(index)]"))
        }
        self.init(
            requestID: try requireMessageID(proto.requestID, "request_id"),
            sequence: proto.sequence,
            agents: agents,
            chunk: proto.chunk,
            isLastChunk: proto.lastChunk)
    }

    var proto: Switchboard_Wire_V1_SnapshotReply {
        var proto = Switchboard_Wire_V1_SnapshotReply()
        proto.requestID = requestID.data
        proto.sequence = sequence
        proto.agents = agents.map(\.proto)
        proto.chunk = chunk
        proto.lastChunk = isLastChunk
        return proto
    }
}
