import Wire

/// Sample messages: one per message type with every field set, and one per type with only
/// the required fields (everything else at its default). The Wire tests' fixtures, and the
/// fuzzer's valid frames to mutate.
public enum WireSamples {
    public static let idA = MessageID(prefix: 0x0123_4567_89ab_cdef, counter: 1)
    public static let idB = MessageID(prefix: 0xfedc_ba98_7654_3210, counter: 0xffff_ffff_ffff_fffe)

    public static let fullInbound = InboundMessage(
        channelInstanceID: "sms-main",
        channelType: "sms",
        providerMessageID: "SM11111111111111111111111111111111",
        customerAddress: "+15550001111",
        customerDisplayName: "Ada Example",
        text: "Hi, I need help with order #4521 — ünïcödé ✓",
        attachments: [
            Attachment(url: "https://media.example.test/a.jpg", contentType: "image/jpeg", name: "a.jpg", sizeBytes: 12345),
            Attachment(url: "https://media.example.test/b.pdf"),
        ],
        context: ["topic": .text("billing"), "orderTotal": .number(42.5), "negative": .number(-1e300)],
        channelData: ["To": "+15550002222", "ToCountry": "US"],
        locale: "en-US",
        providerTimestampMs: 1_717_000_000_123,
        receivedAtMs: 1_717_000_000_456,
        clientMessageID: "client-7")

    public static let minimalInbound = InboundMessage(
        channelInstanceID: "chat-widget", channelType: "chat", providerMessageID: "p1", customerAddress: "visitor-1")

    public static let fullAgent = AgentState(
        agentID: "ada", basePresence: .busyDnd, customPresence: "In a meeting", capacityTotal: 4,
        capacityUsed: 5, connected: true, lastAssignmentAtMs: 0, updatedAtMs: 1_717_000_000_999)

    public static let allFieldsSet: [WireMessage] = [
        .heartbeat(Heartbeat(sender: "router", sentAtMs: 1_717_000_000_000, lastSequence: 77)),
        .disconnect(Disconnect(sender: "distributor-a", reason: .heartbeatTimeout, detail: "3 beats missed")),
        .ack(Ack(ackedID: idB, outcome: .rejected(reason: "agent not connected"))),
        .submit(Submit(message: fullInbound)),
        .submitAck(SubmitAck(ackedID: idA, outcome: .duplicate, conversationID: "conv-1")),
        .ready(Ready(
            distributor: "distributor-a", queues: ["billing", "support"], capabilities: ["agent-reply"],
            heartbeatIntervalMs: 500, instanceID: "boot-9")),
        .readyAccepted(ReadyAccepted(
            readyID: idA, queues: ["billing", "support"], capabilities: ["agent-reply"], heartbeatIntervalMs: 500)),
        .readyRefused(ReadyRefused(
            readyID: idA, reason: .queueOwned, detail: "billing is owned by distributor-b",
            conflictingQueues: ["billing"], currentOwner: "distributor-b")),
        .deliver(Deliver(
            conversationID: "conv-1", workStream: "sms-support", queue: "billing", kind: .followUp,
            message: fullInbound, context: ["topic": .text("billing"), "score": .number(0)],
            conversationSequence: 3, routingRule: "billing-rule")),
        .deliverAck(DeliverAck(ackedID: idB, outcome: .accepted)),
        .agentReply(AgentReply(
            conversationID: "conv-1", channelInstanceID: "sms-main", channelType: "sms",
            customerAddress: "+15550001111", agentID: "ada", text: "Your order ships today.",
            attachments: [Attachment(url: "https://x.test/label.pdf", contentType: "application/pdf", name: "label.pdf", sizeBytes: 1)],
            sentAtMs: 1_717_000_001_000)),
        .agentReplyAck(AgentReplyAck(ackedID: idA, outcome: .rejected(reason: "not here"), providerMessageID: "SM2222", unknownConversation: true)),
        .reserve(Reserve(
            reservationID: "res-1", agentID: "ada", conversationID: "conv-1", units: 2, reason: .selectFromPush,
            queue: "billing", allowedPresences: [.available, .busy],
            offer: Offer(
                offerID: "res-1", conversationID: "conv-1", agentID: "ada", queue: "billing", workStream: "support-chat",
                expiresAtMs: 1_717_000_060_000, kind: .push, reservationID: "res-1"))),
        .grant(Grant(
            requestID: idA, reservationID: "res-1", agentID: "ada", conversationID: "conv-1", units: 2,
            capacityTotal: 4, capacityUsed: 6, overCapacity: true, sequence: 1234, offered: true)),
        .deny(Deny(requestID: idA, reservationID: "res-1", reason: .presenceNotAllowed, detail: "agent is away")),
        .release(Release(reservationID: "res-1", agentID: "ada", conversationID: "conv-1", units: 2)),
        .releaseAck(ReleaseAck(ackedID: idB, reservationID: "res-1", wasHeld: true, capacityUsed: 4)),
        .agentUpdate(AgentUpdate(sequence: 1235, agent: fullAgent)),
        .snapshotRequest(SnapshotRequest(agentIDPrefix: "team-a.")),
        .snapshotReply(SnapshotReply(
            requestID: idB, sequence: 1235,
            agents: [fullAgent, AgentState(agentID: "bob", basePresence: .offline)],
            chunk: 2, isLastChunk: false)),
        .offer(Offer(
            offerID: "offer-1", conversationID: "conv-1", agentID: "ada", queue: "billing",
            workStream: "sms-support", expiresAtMs: 1_717_000_120_000,
            summary: ["topic": .text("billing"), "orderTotal": .number(42.5)], kind: .affinity,
            reservationID: "res-1", channelType: "sms",
            messages: [OfferedMessage(sequence: 1, message: fullInbound), OfferedMessage(sequence: 2, message: minimalInbound)])),
        .offerReply(OfferReply(
            offerID: "offer-1", agentID: "ada", conversationID: "conv-1", decision: .reject,
            decidedAtMs: 1_717_000_010_000, messagesThrough: 2)),
        .offerWithdrawn(OfferWithdrawn(offerID: "offer-1", agentID: "ada", conversationID: "conv-1", reason: .taken)),
        .agentAction(AgentAction(
            actionID: "act-1", agentID: "ada", conversationID: "conv-1", kind: .transferToAgent("bob"),
            queue: "billing", note: "VIP", requestedAtMs: 1_717_000_020_000, releasesInResult: true)),
        .agentActionResult(AgentActionResult(
            actionMessageID: idA, actionID: "act-1", agentID: "ada", conversationID: "conv-1",
            outcome: .refused(.invalidState), detail: "conversation is WrapUp", conversationState: "WrapUp",
            releases: [Release(reservationID: "conv-1#1", agentID: "ada", conversationID: "conv-1", units: 1)])),
        .conversationMessage(ConversationMessage(
            conversationID: "conv-1", agentID: "ada", sequence: 2, message: fullInbound, queue: "billing",
            workStream: "sms-support")),
        .conversationClosed(ConversationClosed(
            conversationID: "conv-1", queue: "billing", reason: .autoClosed, closedAtMs: 1_717_000_030_000)),
        .conversationTransferred(ConversationTransferred(
            conversationID: "conv-1", fromQueue: "billing", toQueue: "vip", agentID: "ada", note: "gold customer")),
        .workItems(WorkItems(
            queue: "billing", snapshot: true,
            added: [WorkItem(
                conversationID: "conv-2", queue: "billing", workStream: "sms-support", channelType: "sms",
                waitingSinceMs: 1_717_000_040_000, summary: ["tier": .text("gold")], customerDisplayName: "Jo")],
            removed: ["conv-3"], heldReservationIDs: ["conv-4#1", "conv-5#2"])),
    ]

    public static let requiredFieldsOnly: [WireMessage] = [
        .heartbeat(Heartbeat(sender: "r")),
        .disconnect(Disconnect(sender: "r")),
        .ack(Ack(ackedID: idA, outcome: .accepted)),
        .submit(Submit(message: minimalInbound)),
        .submitAck(SubmitAck(ackedID: idA, outcome: .accepted)),
        .ready(Ready(distributor: "d", queues: ["q"])),
        .readyAccepted(ReadyAccepted(readyID: idA)),
        .readyRefused(ReadyRefused(readyID: idA, reason: .unspecified)),
        .deliver(Deliver(
            conversationID: "c", workStream: "w", queue: "q", kind: .newConversation, message: minimalInbound)),
        .deliverAck(DeliverAck(ackedID: idA, outcome: .rejected(reason: ""))),
        .agentReply(AgentReply(
            conversationID: "c", channelInstanceID: "i", channelType: "chat", customerAddress: "v", agentID: "a")),
        .agentReplyAck(AgentReplyAck(ackedID: idA, outcome: .duplicate)),
        .reserve(Reserve(reservationID: "r", agentID: "a", conversationID: "c", units: 1, reason: .push)),
        .grant(Grant(requestID: idA, reservationID: "r")),
        .deny(Deny(requestID: idA, reservationID: "r", reason: .unspecified)),
        .release(Release(reservationID: "r", agentID: "a", conversationID: "c")),
        .releaseAck(ReleaseAck(ackedID: idA, reservationID: "r")),
        .agentUpdate(AgentUpdate(sequence: 1, agent: AgentState(agentID: "a", basePresence: .available))),
        .snapshotRequest(SnapshotRequest()),
        .snapshotReply(SnapshotReply(requestID: idA, sequence: 0)),
        .offer(Offer(offerID: "o", conversationID: "c", agentID: "a", queue: "q", workStream: "w", expiresAtMs: 1)),
        .offerReply(OfferReply(offerID: "o", agentID: "a", decision: .accept)),
        .offerWithdrawn(OfferWithdrawn(offerID: "o", agentID: "a")),
        .agentAction(AgentAction(actionID: "x", agentID: "a", conversationID: "c", kind: .pick)),
        .agentActionResult(AgentActionResult(actionMessageID: idA, actionID: "x", outcome: .done)),
        .conversationMessage(ConversationMessage(conversationID: "c", agentID: "a", sequence: 1, message: minimalInbound)),
        .conversationClosed(ConversationClosed(conversationID: "c")),
        .conversationTransferred(ConversationTransferred(conversationID: "c", toQueue: "q")),
        .workItems(WorkItems(queue: "q")),
    ]

    /// Every fixture, each in an envelope with its own id.
    public static var envelopes: [Envelope] {
        let generator = MessageIDGenerator(prefix: 0x5157_4201_0000_0000)
        return (allFieldsSet + requiredFieldsOnly).map { Envelope(id: generator.next(), message: $0) }
    }
}
