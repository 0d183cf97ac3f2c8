import Foundation
import Storage
import Testing
import Wire

@testable import Presence

/// wire.md 5.4–5.5 at the coordinator, with recorded outlets (no sockets).
@Suite(.timeLimit(.minutes(1))) struct PresenceCoordinatorTests {
    let peer = DistributorPeer(bytes: [0xd1])
    let ids = MessageIDGenerator(prefix: 0xd1)

    func reserve(_ id: String, units: UInt32, allowed: [BasePresence] = [.available, .busy]) -> Envelope {
        Envelope(
            id: ids.next(),
            message: .reserve(Reserve(reservationID: id, agentID: "ada", conversationID: "c-\(id)", units: units, reason: .push, queue: "billing", allowedPresences: allowed)))
    }

    @Test func reserveGrantsThenDeniesBeyondCapacityAndPublishesInOrder() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let first = reserve("r1", units: 4)
        await harness.coordinator.handle(first, from: peer)
        let second = reserve("r2", units: 1, allowed: [.available, .busy, .busyDnd])
        await harness.coordinator.handle(second, from: peer)
        let sent = await harness.recorder.sent.map(\.message)
        guard case .grant(let grant) = sent.first else { Issue.record("no grant: \(sent)"); return }
        #expect(grant.requestID == first.id)
        #expect(grant.capacityUsed == 4)
        #expect(grant.capacityTotal == 4)
        #expect(!grant.overCapacity)
        guard case .deny(let deny) = sent.last else { Issue.record("no deny: \(sent)"); return }
        #expect(deny.requestID == second.id)
        #expect(deny.reason == .noCapacity)

        let updates = await harness.recorder.published.compactMap { message -> AgentUpdate? in
            if case .agentUpdate(let update) = message { return update }
            return nil
        }
        #expect(updates.map(\.sequence) == Array(1...UInt64(updates.count)))
        #expect(updates.last?.agent.basePresence == .busyDnd)
        #expect(grant.sequence == updates.last?.sequence)
        _ = session
    }

    @Test func repeatedReserveAndReleaseAreIdempotent() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let request = reserve("r1", units: 1)
        await harness.coordinator.handle(request, from: peer)
        await harness.coordinator.handle(request, from: peer)  // a resend
        #expect(await harness.coordinator.state(of: "ada")?.capacityUsed == 1)
        for _ in 0..<2 {
            await harness.coordinator.handle(
                Envelope(id: ids.next(), message: .release(Release(reservationID: "r1", agentID: "ada", conversationID: "c-r1"))), from: peer)
        }
        let acks = await harness.recorder.sent.compactMap { envelope -> ReleaseAck? in
            if case .releaseAck(let ack) = envelope.message { return ack }
            return nil
        }
        #expect(acks.map(\.wasHeld) == [true, false])
        #expect(await harness.coordinator.state(of: "ada")?.capacityUsed == 0)
    }

    @Test func snapshotCarriesEveryAgentAndTheSequence() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let request = Envelope(id: ids.next(), message: .snapshotRequest(SnapshotRequest()))
        await harness.coordinator.handle(request, from: peer)
        guard case .snapshotReply(let reply) = await harness.recorder.sent.last?.message else { Issue.record("no reply"); return }
        #expect(reply.requestID == request.id)
        #expect(reply.isLastChunk)
        #expect(reply.sequence == (await harness.coordinator.lastSequence))
        #expect(reply.agents.map(\.agentID) == harness.configuration.agents.map(\.id))
        #expect(reply.agents.first { $0.agentID == "ada" }?.connected == true)
    }

    @Test func aRestartOnTheSameDataDirectoryKeepsReservationsAndTheSequence() async throws {
        let directory = PresenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sequence: UInt64
        do {
            let harness = try PresenceHarness(directory: directory)
            _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
            await harness.coordinator.handle(reserve("r1", units: 3), from: peer)
            sequence = await harness.coordinator.lastSequence
        }
        let restarted = try PresenceHarness(directory: directory)
        let state = await restarted.coordinator.state(of: "ada")
        #expect(state?.capacityUsed == 3)
        #expect(state?.chosenPresence == "available")
        #expect(state?.connected == false)
        // It goes on above the block of sequences stored (decisions §50), never reusing one.
        let restartedAt = await restarted.coordinator.lastSequence
        #expect(restartedAt > sequence && restartedAt <= sequence + PresenceCoordinator.sequenceBlock)
        await restarted.coordinator.handle(
            Envelope(id: ids.next(), message: .release(Release(reservationID: "r1", agentID: "ada", conversationID: "c-r1"))), from: peer)
        #expect(await restarted.coordinator.lastSequence == restartedAt + 1)
    }

    /// The sequence is stored once per block, not with every change (decisions §50).
    @Test func theSequenceIsStoredOncePerBlockAheadOfEveryChange() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let store = try ReservationStore.open(path: DataDirectory(path: harness.directory.path, process: "presence").storePath("reservations"))
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let mark = try store.load().lastSequence
        let opened = await harness.coordinator.lastSequence
        #expect(mark == opened + PresenceCoordinator.sequenceBlock)  // the first commit stored the first block
        for index in 1...3 {
            await harness.coordinator.handle(reserve("r\(index)", units: 1), from: peer)
            await harness.coordinator.handle(
                Envelope(id: ids.next(), message: .release(Release(reservationID: "r\(index)", agentID: "ada", conversationID: "c-r\(index)"))),
                from: peer)
        }
        #expect(await harness.coordinator.lastSequence == opened + 6)
        #expect(try store.load().lastSequence == mark)
    }

    @Test func afterARestartAnAgentCanStillActOnTheConversationItHolds() async throws {
        let directory = PresenceFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let harness = try PresenceHarness(directory: directory)
            _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
            await harness.coordinator.handle(reserve("r1", units: 1), from: peer)
        }
        let restarted = try PresenceHarness(directory: directory)
        _ = await restarted.coordinator.openSession(agentID: "ada", presence: "available")
        _ = try await restarted.coordinator.perform(.action(AgentActionRequest(conversationID: "c-r1", kind: .wrapUp)), agentID: "ada")
        let actions = await restarted.recorder.reliable.compactMap { envelope -> AgentAction? in
            if case .agentAction(let action) = envelope.message { return action }
            return nil
        }
        #expect(actions.map(\.conversationID) == ["c-r1"])
        #expect(actions.first?.queue == "billing")
        // Another agent still may not act on it.
        await #expect(throws: AgentProtocolError.self) {
            _ = try await restarted.coordinator.perform(.action(AgentActionRequest(conversationID: "c-r1", kind: .wrapUp)), agentID: "grace")
        }
    }

    @Test func aDroppedAgentGoesOfflineAfterTheGracePeriodAndIsPublished() async throws {
        let clock = ManualClock()
        let harness = try PresenceHarness(now: clock.now)
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        await harness.coordinator.closeSession(agentID: "ada", sessionID: session.id)
        clock.advance(by: .seconds(149))
        await harness.coordinator.tick()
        #expect(await harness.coordinator.state(of: "ada")?.basePresence == .available)
        clock.advance(by: .seconds(1))  // 150 s: system.agentDisconnectGracePeriod
        await harness.coordinator.tick()
        #expect(await harness.coordinator.state(of: "ada")?.basePresence == .offline)
        guard case .agentUpdate(let last) = await harness.recorder.published.last else { Issue.record("not published"); return }
        #expect(last.agent.basePresence == .offline)
        #expect(last.agent.connected == false)
    }

    @Test func aSecondLoginReplacesTheFirstSession() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let first = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let second = await harness.coordinator.openSession(agentID: "ada", presence: nil)
        var items: [AgentOutbound] = []
        for await item in first.outbound { items.append(item) }  // finished by the replacement
        #expect(items.last == .close(reason: "replaced"))
        await harness.coordinator.closeSession(agentID: "ada", sessionID: first.id)  // the old socket ending
        #expect(await harness.coordinator.state(of: "ada")?.connected == true)
        _ = second
    }
}
