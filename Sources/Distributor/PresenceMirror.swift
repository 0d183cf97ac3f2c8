import Wire

/// The Clone procedure of wire.md 5.5 for presence's agent updates, single or batched: queue
/// updates until the snapshot is in, then apply only newer sequences; a gap means updates
/// were lost and a new snapshot is needed.
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
    /// Updates that came before the snapshot, as batches (a single update is a batch of one).
    private var queued: [AgentUpdateBatch] = []
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
        for batch in queued.sorted(by: { $0.firstSequence < $1.firstSequence }) where batch.lastSequence > last {
            guard batch.firstSequence <= last + 1 else {
                queued = []
                phase = .needsSnapshot
                return .resnapshot
            }
            for update in batch.updates where update.sequence > last {
                agents.removeAll { $0.agentID == update.agent.agentID }
                agents.append(update.agent)
            }
            last = batch.lastSequence
        }
        queued = []
        phase = .loaded(lastSequence: last)
        return .apply(agents: agents, sequence: last, isSnapshot: true)
    }

    mutating func update(_ update: AgentUpdate) -> Outcome {
        self.update(AgentUpdateBatch(firstSequence: update.sequence, updates: [update]))
    }

    /// A batch covers `firstSequence` to its last update's sequence; an agent's update in it
    /// is that agent's state as of the batch's end (a later change would be in it too), so
    /// all of them are applied at the last sequence, as a snapshot's are.
    mutating func update(_ batch: AgentUpdateBatch) -> Outcome {
        switch phase {
        case .needsSnapshot, .loading:
            queued.append(batch)
            return .none
        case .loaded(let last):
            // Up to the snapshot's own sequence: already in it. Lower: presence lost its state.
            if batch.lastSequence == last { return .none }
            if batch.lastSequence > last, batch.firstSequence <= last + 1 {
                phase = .loaded(lastSequence: batch.lastSequence)
                let agents = batch.updates.lazy.filter { $0.sequence > last }.map(\.agent)
                return .apply(agents: Array(agents), sequence: batch.lastSequence, isSnapshot: false)
            }
            queued = [batch]
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
