import SwitchboardCore
import Wire

/// Who sends an input to the distributor: the router, presence on its request link, or
/// presence's update publisher.
enum DistributorPeerRole: String, CaseIterable, Sendable {
    case router, presence, publisher
}

/// The distributor target's inputs: messages of every type each link takes, valid (built
/// from what the distributor has said: its offers, reservations, conversations) or with
/// fields mutated, and now and then any other type on the link. `ReadyRefused` is never
/// sent: it stops the distributor by design (a queue has one owner).
struct DistributorFuzzInputs {
    private var number = 0
    static let customers = (1...20).map { "customer-\($0)" }

    static func known(_ configuration: SwitchboardConfiguration) -> KnownValues {
        var known = RouterFuzzInputs.known(configuration)
        known.add("distributor-1", as: .distributor)
        return known
    }

    mutating func make(_ known: KnownValues, _ random: inout SplitMix64) -> (DistributorPeerRole, WireMessage, String) {
        let role: DistributorPeerRole =
            switch random.index(20) {
            case 0..<8: .router
            case 8..<19: .presence
            default: .publisher
            }
        let template: WireMessage
        if random.chance(1, in: 12) {
            template = random.pick((WireSamples.allFieldsSet + WireSamples.requiredFieldsOnly).filter { $0.type != .readyRefused })
        } else {
            switch role {
            case .router: template = fromRouter(known, &random)
            case .presence: template = fromPresence(known, &random)
            case .publisher:
                var agent = DistributorFuzzSystem.agent
                agent.basePresence = random.pick(BasePresence.allCases)
                template = .agentUpdate(AgentUpdate(sequence: UInt64(1_000_000 + random.index(1_000_000)), agent: agent))
            }
        }
        if random.chance(1, in: 4) { return (role, template, "valid") }
        return (role, MessageMutator.mutate(template, known, &random), "mutated")
    }

    /// A Deliver of a new conversation (or, `followUp`, of a known one) in the owned queue.
    mutating func deliver(conversation: String? = nil, followUp: Bool = false, _ random: inout SplitMix64) -> WireMessage {
        number += 1
        return .deliver(Deliver(
            conversationID: conversation ?? "conversation-\(number)", workStream: "ws-chat", queue: "fuzz",
            kind: followUp ? .followUp : .newConversation,
            message: InboundMessage(
                channelInstanceID: "web-chat", channelType: "chat", providerMessageID: "p-\(number)",
                customerAddress: random.pick(Self.customers), text: "hello \(number)"),
            conversationSequence: followUp ? UInt64(2 + random.index(5)) : 1))
    }

    private mutating func fromRouter(_ known: KnownValues, _ random: inout SplitMix64) -> WireMessage {
        let conversations = known.strings(.conversation)
        switch random.index(10) {
        case 0..<6: return deliver(_: &random)
        case 6..<8 where !conversations.isEmpty: return deliver(conversation: random.pick(conversations), followUp: true, &random)
        case 8: return .agentReplyAck(AgentReplyAck(ackedID: known.ids.isEmpty ? WireSamples.idA : random.pick(known.ids), outcome: .accepted))
        default: return random.pick([
            .readyAccepted(ReadyAccepted(readyID: WireSamples.idA, queues: ["fuzz"])), .disconnect(Disconnect(sender: "router", reason: .shutdown)),
            .ack(Ack(ackedID: WireSamples.idA, outcome: .accepted)),
        ])
        }
    }

    private func fromPresence(_ known: KnownValues, _ random: inout SplitMix64) -> WireMessage {
        func pick(_ kind: KnownValues.Kind, _ otherwise: String) -> String {
            known.strings(kind).isEmpty ? otherwise : random.pick(known.strings(kind))
        }
        let id = known.ids.isEmpty ? WireSamples.idA : random.pick(known.ids)
        let conversation = pick(.conversation, "conversation-1")
        switch random.index(20) {
        case 0..<2:
            return .grant(Grant(requestID: id, reservationID: pick(.reservation, "r-1"), agentID: "fuzzer", conversationID: conversation, units: 1, capacityTotal: 100_000, sequence: 2))
        case 2: return .deny(Deny(requestID: id, reservationID: pick(.reservation, "r-1"), reason: .noCapacity))
        case 3: return .ack(Ack(ackedID: id, outcome: random.chance(1, in: 2) ? .accepted : .rejected(reason: "agent not connected")))
        case 4..<8:
            // Any receipt of carried messages, also more than the offer carried (decisions §57).
            return .offerReply(OfferReply(
                offerID: pick(.offer, "o-1"), agentID: "fuzzer", conversationID: conversation, decision: random.chance(4, in: 5) ? .accept : .reject,
                messagesThrough: UInt64(random.index(20))))
        case 8..<12:
            return .agentReply(AgentReply(
                conversationID: conversation, channelInstanceID: "web-chat", channelType: "chat", customerAddress: random.pick(Self.customers),
                agentID: "fuzzer", text: "On its way."))
        case 12..<17:
            let kind: AgentAction.Kind = random.pick([.pick, .release, .hold, .wrapUp, .close, .close, .transferToQueue("fuzz-transfer"), .transferToAgent("fuzzer")])
            // Half from a presence that takes the releases in the result (decisions §58).
            return .agentAction(AgentAction(
                actionID: "action-\(random.index(1_000))", agentID: "fuzzer", conversationID: conversation, kind: kind, queue: "fuzz",
                releasesInResult: random.chance(1, in: 2)))
        case 17: return .snapshotReply(SnapshotReply(requestID: id, sequence: 3, agents: [DistributorFuzzSystem.agent]))
        case 18: return .releaseAck(ReleaseAck(ackedID: id, reservationID: pick(.reservation, "r-1"), wasHeld: true))
        default: return .disconnect(Disconnect(sender: "presence", reason: .shutdown))
        }
    }
}
