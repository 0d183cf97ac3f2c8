import SwitchboardCore
import Wire

/// Who sends an input to the router: the chat adapter, the two distributors of the fuzz
/// configuration, and a peer no configuration names.
enum RouterPeerRole: String, CaseIterable, Sendable {
    case ingress, distributor1, distributor2, rogue

    var routingID: String {
        switch self {
        case .ingress: "ingress-chat"
        case .distributor1: "distributor-1"
        case .distributor2: "distributor-2"
        case .rogue: "distributor-x"
        }
    }

    var isDistributor: Bool { self != .ingress }
}

/// The router target's inputs: a message of a type the sender's link takes (valid, or with
/// fields mutated by `MessageMutator`), now and then one of any other type (the wrong link),
/// and a few repeats of an earlier input's id.
struct RouterFuzzInputs {
    let configuration: SwitchboardConfiguration
    private var providerNumber = 0
    static let customers = (1...20).map { "customer-\($0)" }

    init(configuration: SwitchboardConfiguration) {
        self.configuration = configuration
    }

    /// Names the router knows before any traffic.
    static func known(_ configuration: SwitchboardConfiguration) -> KnownValues {
        var known = KnownValues()
        for channel in configuration.channels {
            known.add(channel.id, as: .channel)
            known.add(channel.type.rawValue, as: .channelType)
        }
        for queue in configuration.queues { known.add(queue.name, as: .queue) }
        for stream in configuration.workStreams { known.add(stream.name, as: .workStream) }
        for agent in configuration.agents { known.add(agent.id, as: .agent) }
        for role in RouterPeerRole.allCases where role.isDistributor { known.add(role.routingID, as: .distributor) }
        for customer in customers { known.add(customer, as: .customer) }
        return known
    }

    /// The channel of the control round's Submit (the chat channel, whose adapter is connected).
    static func controlChannel(_ configuration: SwitchboardConfiguration) -> ChannelInstance {
        configuration.channels.first { $0.type == .chat } ?? configuration.channels[0]
    }

    mutating func make(_ known: KnownValues, _ random: inout SplitMix64) -> (RouterPeerRole, WireMessage, String) {
        let role: RouterPeerRole =
            switch random.index(20) {
            case 0..<9: .ingress
            case 9..<16: .distributor1
            case 16..<18: .distributor2
            default: .rogue
            }
        let template: WireMessage
        if random.chance(1, in: 12) {
            // Any message type, as a peer of another link (or a confused one) would send it.
            template = random.pick(WireSamples.allFieldsSet + WireSamples.requiredFieldsOnly)
        } else if role == .ingress {
            template =
                switch random.index(10) {
                case 0..<8: submit(random.pick(configuration.channels), &random)
                case 8: .agentReplyAck(AgentReplyAck(ackedID: random.pick(known.ids.isEmpty ? [WireSamples.idA] : known.ids), outcome: .accepted))
                default: .disconnect(Disconnect(sender: role.routingID, reason: .shutdown))
                }
        } else {
            template = distributorMessage(role, known, &random)
        }
        if random.chance(1, in: 4) { return (role, template, "valid") }
        return (role, MessageMutator.mutate(template, known, &random), "mutated")
    }

    /// A fresh customer message (a new provider id) on `channel`, from one of a few customers,
    /// so that follow-ups join open conversations.
    mutating func submit(_ channel: ChannelInstance, customer: String? = nil, _ random: inout SplitMix64) -> WireMessage {
        providerNumber += 1
        return .submit(Submit(message: InboundMessage(
            channelInstanceID: channel.id, channelType: channel.type.rawValue, providerMessageID: "fuzz-\(providerNumber)",
            customerAddress: customer ?? random.pick(Self.customers), text: "hello \(providerNumber)",
            receivedAtMs: 1_700_000_000_000 + Int64(providerNumber))))
    }

    private func distributorMessage(_ role: RouterPeerRole, _ known: KnownValues, _ random: inout SplitMix64) -> WireMessage {
        let conversations = known.strings(.conversation)
        let conversation = conversations.isEmpty ? "conv-unknown" : random.pick(conversations)
        let queue = role == .distributor2 ? "fuzz-transfer" : "fuzz"
        switch random.index(20) {
        case 0..<2:
            return .ready(Ready(distributor: role == .rogue ? random.pick(["distributor-1", "distributor-7"]) : role.routingID, queues: [queue]))
        case 2..<7:
            return .deliverAck(DeliverAck(ackedID: known.ids.isEmpty ? WireSamples.idA : random.pick(known.ids), outcome: .accepted))
        case 7..<10:
            return .conversationClosed(ConversationClosed(conversationID: conversation, queue: queue, reason: .agentClosed, closedAtMs: 1_700_000_000_000))
        case 10..<13:
            return .conversationTransferred(ConversationTransferred(
                conversationID: conversation, fromQueue: queue, toQueue: random.pick(["fuzz", "fuzz-transfer"]), agentID: "fuzzer"))
        case 13..<19:
            return .agentReply(AgentReply(
                conversationID: conversation, channelInstanceID: "web-chat", channelType: "chat", customerAddress: random.pick(Self.customers),
                agentID: "fuzzer", text: "On its way.", sentAtMs: 1_700_000_000_000))
        default:
            return .disconnect(Disconnect(sender: role.routingID, reason: .shutdown))
        }
    }
}
