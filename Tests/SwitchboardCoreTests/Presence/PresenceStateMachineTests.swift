import Testing
@testable import SwitchboardCore

/// P1, D6, D7 and the wire.md 5.4 rules, on a manual clock (`nowMs`).
@Suite struct PresenceStateMachineTests {
    static let agents = [
        Agent(id: "ada", name: "Ada", capacity: 2, secret: SecretReference(environmentVariable: "ADA")),
        Agent(id: "grace", name: "Grace", capacity: 1, secret: SecretReference(environmentVariable: "GRACE")),
    ]
    static let lunch = CustomPresence(name: "Lunch", base: .away)

    func machine(restored: PresenceStateMachine.Restored = .init(), now: Int64 = 0) -> PresenceStateMachine {
        PresenceStateMachine(
            agents: Self.agents, customPresences: [Self.lunch], gracePeriod: .seconds(150), restored: restored, nowMs: now)
    }

    /// ada connected and available.
    func ready() throws -> PresenceStateMachine {
        var machine = machine()
        _ = machine.connect("ada", nowMs: 1)
        _ = try machine.choosePresence("ada", "available", nowMs: 2)
        return machine
    }

    func push(_ id: String, units: Int = 1, allowed: Set<BasePresence> = [.available, .busy]) -> CapacityRequest {
        CapacityRequest(reservationID: id, agentID: "ada", conversationID: "c-\(id)", units: units, reason: .push, allowedPresences: allowed)
    }

    @Test func agentsStartDisconnectedAndOffline() {
        let machine = machine()
        #expect(machine.allAgents.map(\.agentID) == ["ada", "grace"])
        #expect(machine.state(of: "ada")?.basePresence == .offline)
        #expect(machine.state(of: "ada")?.connected == false)
        #expect(machine.lastSequence == 0)
    }

    @Test func availableBecomesBusyThenBusyDndWithLoadAndBackWhenFreed() throws {
        var machine = try ready()
        #expect(machine.state(of: "ada")?.basePresence == .available)
        guard case .granted(_, let first) = machine.reserve(push("r1"), nowMs: 3) else { Issue.record("not granted"); return }
        #expect(first.agent.basePresence == .busy)
        #expect(first.agent.capacityUsed == 1)
        guard case .granted(_, let second) = machine.reserve(push("r2"), nowMs: 4) else { Issue.record("not granted"); return }
        #expect(second.agent.basePresence == .busyDnd)
        #expect(second.agent.chosenPresence == "available")
        _ = machine.release("r1", nowMs: 5)
        #expect(machine.state(of: "ada")?.basePresence == .busy)
        _ = machine.release("r2", nowMs: 6)
        #expect(machine.state(of: "ada")?.basePresence == .available)
    }

    @Test func chosenPresenceOtherThanAvailableIsNotAutomatic() throws {
        var machine = try ready()
        _ = try machine.choosePresence("ada", "Lunch", nowMs: 3)
        #expect(machine.state(of: "ada")?.basePresence == .away)
        #expect(machine.state(of: "ada")?.customPresence == "Lunch")
        _ = machine.reserve(CapacityRequest(reservationID: "p", agentID: "ada", conversationID: "c", units: 1, reason: .pick), nowMs: 4)
        #expect(machine.state(of: "ada")?.basePresence == .away)
    }

    @Test func unknownPresenceAndAgentAreRefused() throws {
        var machine = try ready()
        #expect(throws: PresenceChoiceError.unknownPresence("Gym")) { try machine.choosePresence("ada", "Gym", nowMs: 3) }
        #expect(throws: PresenceChoiceError.unknownAgent("bob")) { try machine.choosePresence("bob", "available", nowMs: 3) }
        #expect(try machine.choosePresence("ada", "available", nowMs: 3) == nil)  // no change, no update
    }

    @Test func pushNeedsAnAllowedBasePresence() throws {
        var machine = try ready()
        #expect(machine.reserve(push("r1", allowed: [.busy]), nowMs: 3) == .denied(.presenceNotAllowed(.available)))
        _ = try machine.choosePresence("ada", "Lunch", nowMs: 4)
        #expect(machine.reserve(push("r2"), nowMs: 5) == .denied(.presenceNotAllowed(.away)))
        #expect(machine.reserve(push("r3", allowed: [.away]), nowMs: 5) != .denied(.presenceNotAllowed(.away)))
    }

    @Test func pushNeedsAConnectedAgent() throws {
        var machine = try ready()
        _ = machine.disconnect("ada", nowMs: 3)
        #expect(machine.reserve(push("r1"), nowMs: 4) == .denied(.notConnected))
    }

    @Test func pushNeverGoesAboveCapacity() throws {
        var machine = try ready()
        guard case .granted = machine.reserve(push("r1"), nowMs: 3) else { Issue.record("not granted"); return }
        #expect(machine.reserve(push("r2", units: 2, allowed: [.busy]), nowMs: 4) == .denied(.noCapacity(free: 1)))
        #expect(machine.capacityUsed(of: "ada") == 1)
    }

    @Test(arguments: [CapacityReason.pick, .selectFromPush, .affinity])
    func otherReasonsGoAboveCapacityAndRecordIt(reason: CapacityReason) throws {
        var machine = try ready()
        _ = try machine.choosePresence("ada", "away", nowMs: 3)
        let request = CapacityRequest(reservationID: "x", agentID: "ada", conversationID: "c", units: 3, reason: reason)
        guard case .granted(let reservation, let change) = machine.reserve(request, nowMs: 4) else {
            Issue.record("not granted"); return
        }
        #expect(reservation.overCapacity)
        #expect(change.agent.capacityUsed == 3)
        #expect(change.agent.capacityTotal == 2)
        let small = CapacityRequest(reservationID: "y", agentID: "grace", conversationID: "d", units: 1, reason: reason)
        guard case .granted(let within, _) = machine.reserve(small, nowMs: 5) else { Issue.record("not granted"); return }
        #expect(!within.overCapacity)
    }

    @Test func unknownAgentIsDenied() {
        var machine = machine()
        let request = CapacityRequest(reservationID: "r", agentID: "bob", conversationID: "c", units: 1, reason: .pick)
        #expect(machine.reserve(request, nowMs: 1) == .denied(.unknownAgent))
    }

    @Test func repeatedReserveGetsTheSameGrantAndChangesNothing() throws {
        var machine = try ready()
        guard case .granted(let reservation, _) = machine.reserve(push("r1"), nowMs: 3) else { Issue.record("not granted"); return }
        let sequence = machine.lastSequence
        guard case .alreadyGranted(let again, let state, _) = machine.reserve(push("r1"), nowMs: 4) else {
            Issue.record("not deduplicated"); return
        }
        #expect(again == reservation)
        #expect(state.capacityUsed == 1)
        #expect(machine.lastSequence == sequence)
    }

    @Test func releaseIsIdempotent() throws {
        var machine = try ready()
        _ = machine.reserve(push("r1"), nowMs: 3)
        let first = machine.release("r1", nowMs: 4)
        #expect(first.wasHeld)
        #expect(first.capacityUsed == 0)
        #expect(first.change != nil)
        let sequence = machine.lastSequence
        let second = machine.release("r1", nowMs: 5)
        #expect(!second.wasHeld)
        #expect(second.change == nil)
        #expect(!machine.release("never", nowMs: 5).wasHeld)
        #expect(machine.lastSequence == sequence)
    }

    @Test func disconnectedAgentGoesOfflineAfterTheGracePeriod() throws {
        var machine = try ready()
        _ = machine.disconnect("ada", nowMs: 10_000)
        #expect(machine.state(of: "ada")?.basePresence == .available)
        #expect(machine.nextGraceDeadlineMs == 160_000)
        #expect(machine.expireGracePeriods(nowMs: 159_999).isEmpty)
        let changes = machine.expireGracePeriods(nowMs: 160_000)
        #expect(changes.map(\.agent.agentID) == ["ada"])
        #expect(changes.first?.agent.basePresence == .offline)
        #expect(machine.nextGraceDeadlineMs == nil)
    }

    @Test func reconnectingWithinTheGracePeriodKeepsThePresence() throws {
        var machine = try ready()
        _ = machine.disconnect("ada", nowMs: 10_000)
        _ = machine.connect("ada", nowMs: 100_000)
        #expect(machine.expireGracePeriods(nowMs: 1_000_000).isEmpty)
        #expect(machine.state(of: "ada")?.basePresence == .available)
        #expect(machine.state(of: "ada")?.connected == true)
    }

    @Test func sequenceNumbersIncreaseByOnePerChange() throws {
        var machine = machine(restored: .init(lastSequence: 41))
        var sequences: [UInt64] = []
        sequences += [machine.connect("ada", nowMs: 1)?.sequence].compactMap { $0 }
        sequences += [try machine.choosePresence("ada", "available", nowMs: 2)?.sequence].compactMap { $0 }
        if case .granted(_, let change) = machine.reserve(push("r1"), nowMs: 3) { sequences.append(change.sequence) }
        sequences += [machine.release("r1", nowMs: 4).change?.sequence].compactMap { $0 }
        sequences += [machine.disconnect("ada", nowMs: 5)?.sequence].compactMap { $0 }
        sequences += machine.expireGracePeriods(nowMs: 200_000).map(\.sequence)
        #expect(sequences == [42, 43, 44, 45, 46, 47])
        #expect(machine.lastSequence == 47)
    }

    @Test func restoredStateKeepsCapacityAndStartsTheGracePeriod() {
        let held = CapacityReservation(
            id: "r1", agentID: "ada", conversationID: "c1", units: 1, reason: .push, queue: "billing",
            overCapacity: false, grantedAtMs: 5)
        let orphan = CapacityReservation(
            id: "r2", agentID: "bob", conversationID: "c2", units: 1, reason: .push, queue: nil,
            overCapacity: false, grantedAtMs: 5)
        var machine = machine(
            restored: .init(reservations: [held, orphan], chosenPresences: ["ada": "available"], lastSequence: 9), now: 1_000)
        #expect(machine.state(of: "ada")?.capacityUsed == 1)
        #expect(machine.state(of: "ada")?.basePresence == .busy)
        #expect(machine.state(of: "ada")?.connected == false)
        #expect(machine.discardedReservations == [orphan])
        #expect(machine.nextGraceDeadlineMs == 151_000)
        #expect(machine.release("r1", nowMs: 2_000).change?.sequence == 10)
    }
}
