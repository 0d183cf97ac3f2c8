import Wire

/// The Clone procedure of wire.md 5.5 for presence's agent updates: queue updates until the
/// snapshot is in, then apply only newer sequences; a gap (or a lower sequence: presence lost
/// its state) means updates were lost and a new snapshot is needed.
struct PresenceMirror: Sendable {
    enum Phase: Sendable, Equatable {
        /// No snapshot asked for yet, or one is needed.
        case needsSnapshot
        /// A SnapshotRequest with this id is out; chunks collect here.
        case loading(requestID: MessageID)
        case loaded(lastSequence: UInt64)
    }

    /// What the owner must do after feeding the mirror.
    enum Outcome: Sendable, Equatable {
        case none
        /// Apply these agents' states, in order (a full snapshot when `isSnapshot`).
        case apply(agents: [AgentState], sequence: UInt64, isSnapshot: Bool)
        /// Updates were lost: ask for a snapshot again.
        case resnapshot
    }

    private(set) var phase: Phase = .needsSnapshot
    private var queued: [AgentUpdate] = []
    private var chunks: [AgentState] = []

    var isLoaded: Bool { if case .loaded = phase { true } else { false } }

    mutating func requested(_ requestID: MessageID) {
        phase = .loading(requestID: requestID)
        chunks = []
    }

    mutating func snapshotReply(_ reply: SnapshotReply) -> Outcome {
        guard case .loading(let requestID) = phase, reply.requestID == requestID else { return .none }
        chunks += reply.agents
        guard reply.isLastChunk else { return .none }
        var agents = chunks
        chunks = []
        var last = reply.sequence
        // Updates that arrived meanwhile and are newer than the snapshot: in order, no gaps.
        for update in queued.sorted(by: { $0.sequence < $1.sequence }) where update.sequence > last {
            guard update.sequence == last + 1 else {
                queued = []
                phase = .needsSnapshot
                return .resnapshot
            }
            agents.removeAll { $0.agentID == update.agent.agentID }
            agents.append(update.agent)
            last = update.sequence
        }
        queued = []
        phase = .loaded(lastSequence: last)
        return .apply(agents: agents, sequence: last, isSnapshot: true)
    }

    mutating func update(_ update: AgentUpdate) -> Outcome {
        switch phase {
        case .needsSnapshot, .loading:
            queued.append(update)
            return .none
        case .loaded(let last):
            if update.sequence == last + 1 {
                phase = .loaded(lastSequence: update.sequence)
                return .apply(agents: [update.agent], sequence: update.sequence, isSnapshot: false)
            }
            if update.sequence == last { return .none }
            queued = [update]
            phase = .needsSnapshot
            return .resnapshot
        }
    }

    mutating func heartbeat(lastSequence: UInt64) -> Outcome {
        guard case .loaded(let last) = phase, lastSequence > last else { return .none }
        phase = .needsSnapshot
        return .resnapshot
    }

    /// The publisher was silent and is back: its state may have moved on without us.
    mutating func publisherReturned() -> Outcome {
        phase = .needsSnapshot
        return .resnapshot
    }
}
