import Testing
import Wire

@testable import Distributor

/// The Clone procedure of wire.md 5.5.
@Suite struct PresenceMirrorTests {
    let ids = MessageIDGenerator()

    func agent(_ id: String, _ presence: BasePresence = .available) -> AgentState {
        AgentState(agentID: id, basePresence: presence, capacityTotal: 2)
    }

    @Test func updatesBeforeTheSnapshotAreQueuedAndOnlyNewerOnesApplied() {
        var mirror = PresenceMirror()
        #expect(mirror.update(AgentUpdate(sequence: 9, agent: agent("ada", .away))) == .none)
        let request = ids.next()
        mirror.requested(request)
        #expect(mirror.update(AgentUpdate(sequence: 10, agent: agent("grace", .busy))) == .none)
        #expect(mirror.update(AgentUpdate(sequence: 11, agent: agent("ada", .busy))) == .none)
        // Chunks: collected until the last.
        #expect(mirror.snapshotReply(SnapshotReply(requestID: request, sequence: 10, agents: [agent("ada")], chunk: 0, isLastChunk: false)) == .none)
        let outcome = mirror.snapshotReply(SnapshotReply(requestID: request, sequence: 10, agents: [agent("grace", .busy)], chunk: 1, isLastChunk: true))
        // 9 and 10 are in the snapshot; 11 is newer and applied on top.
        #expect(outcome == .apply(agents: [agent("grace", .busy), agent("ada", .busy)], sequence: 11, isSnapshot: true))
        #expect(mirror.phase == .loaded(lastSequence: 11))
        #expect(mirror.update(AgentUpdate(sequence: 11, agent: agent("ada"))) == .none)
        #expect(mirror.update(AgentUpdate(sequence: 12, agent: agent("ada"))) == .apply(agents: [agent("ada")], sequence: 12, isSnapshot: false))
    }

    @Test func aReplyToAnotherRequestIsIgnored() {
        var mirror = PresenceMirror()
        mirror.requested(ids.next())
        #expect(mirror.snapshotReply(SnapshotReply(requestID: ids.next(), sequence: 3, agents: [agent("ada")])) == .none)
        #expect(!mirror.isLoaded)
    }

    @Test func aGapALowerSequenceOrAHeartbeatAheadMeansANewSnapshot() {
        for trigger in 0..<3 {
            var mirror = PresenceMirror()
            let request = ids.next()
            mirror.requested(request)
            _ = mirror.snapshotReply(SnapshotReply(requestID: request, sequence: 5, agents: []))
            let outcome: PresenceMirror.Outcome =
                switch trigger {
                case 0: mirror.update(AgentUpdate(sequence: 7, agent: agent("ada")))  // 6 lost
                case 1: mirror.update(AgentUpdate(sequence: 2, agent: agent("ada")))  // presence lost its state
                default: mirror.heartbeat(lastSequence: 6)
                }
            #expect(outcome == .resnapshot)
            #expect(mirror.phase == .needsSnapshot)
        }
        var quiet = PresenceMirror()
        let request = ids.next()
        quiet.requested(request)
        _ = quiet.snapshotReply(SnapshotReply(requestID: request, sequence: 5, agents: []))
        #expect(quiet.heartbeat(lastSequence: 5) == .none)
    }

    @Test func aQueuedGapAfterTheSnapshotMeansANewSnapshot() {
        var mirror = PresenceMirror()
        let request = ids.next()
        mirror.requested(request)
        _ = mirror.update(AgentUpdate(sequence: 8, agent: agent("ada")))
        #expect(mirror.snapshotReply(SnapshotReply(requestID: request, sequence: 6, agents: [])) == .resnapshot)
    }
}
