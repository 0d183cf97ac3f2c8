import JSONText
import Wire

/// Open work items (D2, D3; agent.md `workItems`): each queue's list as its distributor
/// reports it, kept in memory (a distributor sends a snapshot whenever its presence link comes
/// up, so a restarted presence is told again) and pushed live to the queue's members.
extension PresenceCoordinator {
    func handleWorkItems(_ change: WorkItems, id: MessageID, peer: DistributorPeer) async {
        let members = Set(configuration.queue(named: change.queue)?.agents ?? [])
        guard !members.isEmpty else {
            logger.warning("work items for a queue presence does not know; refused", metadata: ["queue": "\(change.queue)"])
            await answerPeer(.ack(Ack(ackedID: id, outcome: .rejected(reason: "unknown queue \(change.queue)"))), peer)
            return
        }
        noteQueueOwner(change.queue, peer)
        if let held = change.heldReservationIDs {
            // Chosen before any await, so a Reserve that comes in meanwhile is not among them.
            let listed = Set(held)
            let stale = machine.allReservations.filter { $0.queue == change.queue && !listed.contains($0.id) }.map(\.id)
            if !stale.isEmpty {
                logger.notice(
                    "released reservations the queue's distributor no longer holds",
                    metadata: ["queue": "\(change.queue)", "count": "\(stale.count)"])
                _ = await releaseReservations(stale)
            }
        }
        var items = change.snapshot ? [:] : (workItems[change.queue] ?? [:])
        for removed in change.removed { items[removed] = nil }
        for item in change.added { items[item.conversationID] = item }
        workItems[change.queue] = items
        for agentID in members where isConnected(agentID) {
            if change.snapshot {
                send(AgentFrames.workItems(queue: change.queue, items: Self.ordered(items)), to: agentID)
            } else {
                for removed in change.removed { send(AgentFrames.workItemRemoved(queue: change.queue, conversationID: removed), to: agentID) }
                for item in change.added { send(AgentFrames.workItemAdded(item), to: agentID) }
            }
        }
        await answerPeer(.ack(Ack(ackedID: id, outcome: .accepted)), peer)
    }

    /// The `workItems` frames a newly connected agent gets: one per queue it belongs to.
    func workItemFrames(for agentID: String) -> [JSONValue] {
        configuration.queueNames(ofAgent: agentID).sorted().map { queue in
            AgentFrames.workItems(queue: queue, items: Self.ordered(workItems[queue] ?? [:]))
        }
    }

    /// Oldest first (D1's order), then by id for a stable list.
    static func ordered(_ items: [String: WorkItem]) -> [WorkItem] {
        items.values.sorted { ($0.waitingSinceMs, $0.conversationID) < ($1.waitingSinceMs, $1.conversationID) }
    }
}

extension AgentFrames {
    static func workItem(_ item: WorkItem) -> JSONValue {
        [
            "conversationId": .string(item.conversationID), "queue": .string(item.queue), "workStream": .string(item.workStream),
            "channelType": .string(item.channelType), "waitingSince": .string(AgentTime.iso8601(ms: item.waitingSinceMs)),
            "summary": summary(item.summary),
            "customer": item.customerDisplayName.map { name -> JSONValue in ["displayName": .string(name)] } ?? .null,
        ]
    }

    static func workItems(queue: String, items: [WorkItem]) -> JSONValue {
        ["type": "workItems", "queue": .string(queue), "items": .array(items.map(workItem))]
    }

    static func workItemAdded(_ item: WorkItem) -> JSONValue {
        ["type": "workItemAdded", "item": workItem(item)]
    }

    static func workItemRemoved(queue: String, conversationID: String) -> JSONValue {
        ["type": "workItemRemoved", "queue": .string(queue), "conversationId": .string(conversationID)]
    }
}
