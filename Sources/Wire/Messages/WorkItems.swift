/// One open work item (D2, D3): a conversation waiting in a queue that members may pick.
public struct WorkItem: Sendable, Hashable {
    /// Required.
    public var conversationID: String
    /// Required.
    public var queue: String
    public var workStream: String
    public var channelType: String
    /// When it became Open in this queue.
    public var waitingSinceMs: Int64
    /// The conversation's context values.
    public var summary: [String: ContextValue]
    public var customerDisplayName: String?

    public init(
        conversationID: String, queue: String, workStream: String = "", channelType: String = "", waitingSinceMs: Int64 = 0,
        summary: [String: ContextValue] = [:], customerDisplayName: String? = nil
    ) {
        self.conversationID = conversationID
        self.queue = queue
        self.workStream = workStream
        self.channelType = channelType
        self.waitingSinceMs = waitingSinceMs
        self.summary = summary
        self.customerDisplayName = customerDisplayName
    }
}

/// Distributor → presence: changes to one queue's open work items (type 0x0607), answered by
/// `Ack`. `snapshot` replaces the queue's whole list.
public struct WorkItems: Sendable, Hashable {
    /// Required.
    public var queue: String
    public var snapshot: Bool
    public var added: [WorkItem]
    /// Conversation ids no longer open in the queue.
    public var removed: [String]
    /// Every reservation the distributor holds for a conversation in the queue; presence
    /// releases any other it holds for the queue (decisions §58). Nil: not listed. Sent
    /// only as a message of its own, never resent, so a list is never older than a
    /// reservation made after it.
    public var heldReservationIDs: [String]?

    public init(
        queue: String, snapshot: Bool = false, added: [WorkItem] = [], removed: [String] = [], heldReservationIDs: [String]? = nil
    ) {
        self.queue = queue
        self.snapshot = snapshot
        self.added = added
        self.removed = removed
        self.heldReservationIDs = heldReservationIDs
    }
}

// MARK: protobuf mapping

extension WorkItem {
    init(proto: Switchboard_Wire_V1_WorkItem, field: String) throws(WireError) {
        self.init(
            conversationID: try requireID(proto.conversationID, "\(field).conversation_id"),
            queue: try requireID(proto.queue, "\(field).queue"),
            workStream: try checkID(proto.workStream, "\(field).work_stream"),
            channelType: try checkID(proto.channelType, "\(field).channel_type"), waitingSinceMs: proto.waitingSinceMs,
            summary: try decodeContext(proto.summary, field: "\(field).summary"),
            customerDisplayName: proto.customerDisplayName.isEmpty ? nil : proto.customerDisplayName)
    }

    var proto: Switchboard_Wire_V1_WorkItem {
        var proto = Switchboard_Wire_V1_WorkItem()
        proto.conversationID = conversationID
        proto.queue = queue
        proto.workStream = workStream
        proto.channelType = channelType
        proto.waitingSinceMs = waitingSinceMs
        proto.summary = protoContext(summary)
        proto.customerDisplayName = customerDisplayName ?? ""
        return proto
    }
}

extension WorkItems: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_WorkItems) throws(WireError) {
        var added: [WorkItem] = []
        added.reserveCapacity(proto.added.count)
        for (index, item) in proto.added.enumerated() {
            added.append(try WorkItem(proto: item, field: "added[\(index)]"))
        }
        for (index, id) in proto.removed.enumerated() {
            guard !id.isEmpty else { throw WireError.invalid("removed[\(index)]", "a conversation id is empty") }
            _ = try checkID(id, "removed[\(index)]")
        }
        var held: [String]?
        if proto.listsReservations {
            for (index, id) in proto.heldReservationIds.enumerated() {
                _ = try requireID(id, "held_reservation_ids[\(index)]")
            }
            held = proto.heldReservationIds
        } else if !proto.heldReservationIds.isEmpty {
            throw WireError.invalid("held_reservation_ids", "listed without lists_reservations")
        }
        self.init(
            queue: try requireID(proto.queue, "queue"), snapshot: proto.snapshot, added: added, removed: proto.removed,
            heldReservationIDs: held)
    }

    var proto: Switchboard_Wire_V1_WorkItems {
        var proto = Switchboard_Wire_V1_WorkItems()
        proto.queue = queue
        proto.snapshot = snapshot
        proto.added = added.map(\.proto)
        proto.removed = removed
        if let heldReservationIDs {
            proto.listsReservations = true
            proto.heldReservationIds = heldReservationIDs
        }
        return proto
    }
}
