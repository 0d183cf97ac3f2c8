import Testing
@testable import SwitchboardCore

/// The promises checked after every step of the harness, once the system is quiet:
/// G2 (one holder), G3 (push only within allowed presence and capacity, as the core sees
/// it), D6 (used capacity = units of Active and capacity-holding WrapUp conversations and
/// of offers out), no conversation lost, D1 retried (nothing waits while an agent could
/// take it), and the core's indexes agreeing with a brute-force reading of its records.
enum DistributionInvariants {
    /// G3 in the core's own view, for the push reservations a step asks for.
    static func checkPushReservations(_ step: DistributionStep, in h: DistributionHarness) {
        for case .reserve(let request) in step.actions where request.reason == .push {
            let agentID = request.reservation.agentID
            let status = h.core.agentStatus(agentID)
            #expect(
                status.map { request.allowedPresences.contains($0.basePresence) } == true,
                "\(h.context)G3: push reservation for \(agentID) outside allowed presences")
            #expect((h.core.freeUnits(of: agentID) ?? -1) >= 0, "\(h.context)G3: push took \(agentID) above capacity")
        }
    }

    static func check(_ h: DistributionHarness) {
        let ctx = h.context
        let core = h.core
        let records = Array(core.conversations.values)
        for record in records { checkRecord(record, in: h) }
        if h.autoAnswerReserves && h.pendingReserves.isEmpty { checkCapacity(h) }

        // No loss: every conversation is here, closed, or handed to another distributor.
        for id in h.arrived {
            #expect(
                core.conversations[id] != nil || h.closed.contains(id) || h.transferredOut[id] != nil,
                "\(ctx)conversation \(id) lost")
        }

        // Nothing stored is forgotten: a stored record is live, or departed and still owed
        // something (the router's Ack, a release), so a restart resends only what is owed.
        for id in h.stored.keys {
            #expect(core.conversations[id] != nil || core.departing[id] != nil, "\(ctx)stored record \(id) neither live nor departing")
        }
        for (id, departure) in core.departing {
            #expect(!departure.routerConfirmed || !departure.record.releasing.isEmpty, "\(ctx)\(id) done but not purged")
        }

        // Indexes against a brute-force reading.
        for queue in h.queueDefinitions {
            let inQueue = records.filter { $0.queue == queue.name }
            #expect(core.openCount(inQueue: queue.name) == inQueue.filter { $0.state == .open }.count, "\(ctx)Open count of \(queue.name)")
            #expect(
                core.waitingForOfferCount(inQueue: queue.name) == inQueue.filter(core.isWaitingForPush).count,
                "\(ctx)waiting line of \(queue.name)")
            let items = Set(inQueue.filter(core.isOpenWorkItem).map(\.id))
            #expect(Set(core.openWorkItems(inQueue: queue.name).map(\.conversationID)) == items, "\(ctx)open work items of \(queue.name)")
            #expect(h.workItems[queue.name, default: []] == items, "\(ctx)announced work items of \(queue.name)")
        }
        #expect(core.nextDeadline == records.compactMap(\.earliestDeadline).min(), "\(ctx)nextDeadline is the earliest deadline")
        for agentID in h.presence.keys {
            let holding = records.filter { $0.agentID == agentID }.map(\.id).sorted()
            #expect(core.conversations(heldBy: agentID).map(\.id).sorted() == holding, "\(ctx)holder index of \(agentID)")
        }
        checkNothingWaitsNeedlessly(h)
    }

    /// G2 and D6 on one record: who holds it, and whether it holds capacity, per its state.
    private static func checkRecord(_ record: ConversationRecord, in h: DistributionHarness) {
        let ctx = "\(h.context)\(record.id) (\(record.state)): "
        let stream = h.core.workStreams[record.workStream]
        #expect(record.state != .closed, "\(ctx)a Closed record stays in memory")
        #expect(h.core.queues[record.queue] != nil, "\(ctx)in a queue not owned")
        switch record.state {
        case .active:
            #expect(record.agentID != nil && record.held?.agentID == record.agentID, "\(ctx)G2: Active without its holder's capacity")
            if let pending = record.pending {
                #expect(pending.kind == .transfer && pending.agentID != record.agentID, "\(ctx)G2: an offer for an Active conversation")
            }
        case .open:
            #expect(record.agentID == nil && record.held == nil, "\(ctx)an Open conversation is nobody's")
            #expect(record.pending.map { $0.kind == .push } ?? true, "\(ctx)only push offers for Open")
        case .waiting:
            #expect(record.held == nil, "\(ctx)D6: Waiting holds no capacity")
            #expect(record.pending == nil || record.needsAgent, "\(ctx)offered while the customer is away")
        case .wrapUp:
            #expect(record.agentID != nil && record.pending == nil, "\(ctx)WrapUp belongs to its agent")
            #expect(record.held.map { $0.agentID == record.agentID } ?? true, "\(ctx)G2: WrapUp capacity of another agent")
            switch stream?.wrapUpCapacity {
            case .always?: #expect(record.held != nil, "\(ctx)D6: wrapUpCapacity always holds")
            case .never?: #expect(record.held == nil, "\(ctx)D6: wrapUpCapacity never holds")
            case .duration?: #expect((record.held != nil) == (record.capacityReleaseAtMs != nil), "\(ctx)D6: wrap-up duration")
            case nil: break
            }
        case .closed:
            break
        }
    }

    /// D6 and G2 against presence: what presence holds for this distributor is exactly what
    /// the records hold or offer, and the agents' used units add up.
    private static func checkCapacity(_ h: DistributionHarness) {
        let ctx = h.context
        var expectedUsed = [String: Int]()
        var named = Set<String>()
        for record in h.core.conversations.values {
            #expect(record.pending?.stage != .reserving, "\(ctx)\(record.id): a Reserve left unanswered")
            for reservation in [record.held, record.pending?.reservation].compactMap({ $0 }) {
                named.insert(reservation.id)
                expectedUsed[reservation.agentID, default: 0] += reservation.units
                #expect(h.held[reservation.id] != nil, "\(ctx)\(record.id): holds \(reservation.id) presence does not")
            }
        }
        for (id, entry) in h.held {
            #expect(named.contains(id), "\(ctx)D6: presence holds \(id) for \(entry.conversationID) for nothing")
        }
        for (agentID, status) in h.presence {
            let atPresence = h.held.values.filter { $0.reservation.agentID == agentID }.reduce(0) { $0 + $1.reservation.units }
            #expect(status.capacityUsed == atPresence, "\(ctx)presence's count of \(agentID)")
            #expect(status.capacityUsed == expectedUsed[agentID, default: 0], "\(ctx)D6: used units of \(agentID)")
            #expect(h.core.agentStatus(agentID) == status, "\(ctx)the core's view of \(agentID) is presence's")
            #expect(h.core.freeUnits(of: agentID) == status.capacityTotal - status.capacityUsed, "\(ctx)free units of \(agentID)")
        }
    }

    /// D1 "tried again whenever something changes": when quiet, no conversation waits for a
    /// push offer while a member of its queue is eligible for it.
    private static func checkNothingWaitsNeedlessly(_ h: DistributionHarness) {
        let core = h.core
        let denied = core.deniedUntilUpdate
        for record in core.conversations.values where core.isWaitingForPush(record) {
            guard let stream = core.workStreams[record.workStream], let rank = core.queueRanks[record.queue] else { continue }
            let queue = core.queueIndexes[rank]
            for agentID in queue.members where !denied.contains(agentID) {
                guard let status = core.agentStatus(agentID), stream.allowedPresences.contains(status.basePresence),
                    (core.freeUnits(of: agentID) ?? 0) >= stream.capacity,
                    record.declines[agentID, default: 0] < queue.definition.maxDeclines
                else { continue }
                Issue.record("\(h.context)D1: \(record.id) waits while \(agentID) could take it")
            }
        }
    }
}
