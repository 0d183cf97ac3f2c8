import Wire

/// Structure-aware mutation of a decoded Wire message (`FieldMutator` on its fields): the
/// inputs of the `router` and `distributor` targets, which are about what a service does with
/// a message after it decodes. Types without edits here (those neither service takes in)
/// come back unchanged; sent on a link, they test the service's "unexpected message" path.
enum MessageMutator {
    typealias Edit<T> = (inout T, inout SplitMix64) -> Void

    static func mutate(_ message: WireMessage, _ known: KnownValues, _ random: inout SplitMix64) -> WireMessage {
        func string<T>(_ path: WritableKeyPath<T, String>, _ kind: KnownValues.Kind) -> Edit<T> {
            { value, random in value[keyPath: path] = FieldMutator.string(value[keyPath: path], kind: kind, known, &random) }
        }
        func optional<T>(_ path: WritableKeyPath<T, String?>, _ kind: KnownValues.Kind) -> Edit<T> {
            { value, random in
                value[keyPath: path] = random.chance(1, in: 4) ? nil : FieldMutator.string(value[keyPath: path] ?? "", kind: kind, known, &random)
            }
        }
        func integer<T, I: FixedWidthInteger>(_ path: WritableKeyPath<T, I>) -> Edit<T> {
            { value, random in value[keyPath: path] = FieldMutator.integer(value[keyPath: path], &random) }
        }
        func id<T>(_ path: WritableKeyPath<T, MessageID>) -> Edit<T> {
            { value, random in value[keyPath: path] = FieldMutator.id(value[keyPath: path], known, &random) }
        }
        func list<T>(_ path: WritableKeyPath<T, [String]>, _ kind: KnownValues.Kind) -> Edit<T> {
            { value, random in value[keyPath: path] = FieldMutator.list(value[keyPath: path], kind: kind, known, &random) }
        }
        func outcome<T>(_ path: WritableKeyPath<T, AckOutcome>) -> Edit<T> {
            { value, random in value[keyPath: path] = FieldMutator.outcome(&random) }
        }
        let inbound: [Edit<InboundMessage>] = [
            string(\.channelInstanceID, .channel), string(\.channelType, .channelType), string(\.providerMessageID, .customer),
            string(\.customerAddress, .customer), optional(\.customerDisplayName, .customer), string(\.text, .customer),
            optional(\.locale, .customer), integer(\.receivedAtMs),
            { value, random in value.context = FieldMutator.context(value.context, known, &random) },
            { value, random in value.channelData = random.chance(1, in: 2) ? [:] : ["To": FieldMutator.string("", kind: .customer, known, &random)] },
            { value, random in
                value.attachments = (0..<random.index(300)).map { _ in Attachment(url: random.pick(FieldMutator.oddStrings), sizeBytes: .max) }
            },
        ]

        switch message {
        case .submit(let submit):
            return .submit(Submit(message: FieldMutator.apply(inbound, to: submit.message, &random)))
        case .ready(let ready):
            return .ready(FieldMutator.apply(
                [string(\.distributor, .distributor), list(\.queues, .queue), list(\.capabilities, .queue), integer(\.heartbeatIntervalMs), string(\.instanceID, .distributor)],
                to: ready, &random))
        case .readyAccepted(let accepted):
            return .readyAccepted(FieldMutator.apply([id(\.readyID), list(\.queues, .queue), integer(\.heartbeatIntervalMs)], to: accepted, &random))
        case .deliver(let deliver):
            return .deliver(FieldMutator.apply(
                [
                    string(\.conversationID, .conversation), string(\.workStream, .workStream), string(\.queue, .queue),
                    integer(\.conversationSequence), optional(\.routingRule, .workStream),
                    { value, random in value.kind = value.kind == .newConversation ? .followUp : .newConversation },
                    { value, random in value.message = FieldMutator.apply(inbound, to: value.message, &random) },
                    { value, random in value.context = FieldMutator.context(value.context, known, &random) },
                ],
                to: deliver, &random))
        case .deliverAck(let ack):
            return .deliverAck(FieldMutator.apply([id(\.ackedID), outcome(\.outcome)], to: ack, &random))
        case .ack(let ack):
            return .ack(FieldMutator.apply([id(\.ackedID), outcome(\.outcome)], to: ack, &random))
        case .agentReply(let reply):
            return .agentReply(FieldMutator.apply(
                [
                    string(\.conversationID, .conversation), string(\.channelInstanceID, .channel), string(\.channelType, .channelType),
                    string(\.customerAddress, .customer), string(\.agentID, .agent), string(\.text, .customer), integer(\.sentAtMs),
                ],
                to: reply, &random))
        case .agentReplyAck(let ack):
            return .agentReplyAck(FieldMutator.apply([id(\.ackedID), outcome(\.outcome), optional(\.providerMessageID, .customer)], to: ack, &random))
        case .conversationClosed(let closed):
            return .conversationClosed(FieldMutator.apply(
                [string(\.conversationID, .conversation), string(\.queue, .queue), integer(\.closedAtMs)], to: closed, &random))
        case .conversationTransferred(let transfer):
            return .conversationTransferred(FieldMutator.apply(
                [string(\.conversationID, .conversation), string(\.fromQueue, .queue), string(\.toQueue, .queue), string(\.agentID, .agent), string(\.note, .customer)],
                to: transfer, &random))
        case .disconnect(let disconnect):
            return .disconnect(FieldMutator.apply(
                [string(\.sender, .distributor), string(\.detail, .customer), { value, random in value.reason = .unrecognized(random.index(100)) }],
                to: disconnect, &random))
        case .grant(let grant):
            return .grant(FieldMutator.apply(
                [
                    id(\.requestID), string(\.reservationID, .reservation), string(\.agentID, .agent), string(\.conversationID, .conversation),
                    integer(\.units), integer(\.capacityTotal), integer(\.capacityUsed), integer(\.sequence),
                    { value, random in value.overCapacity.toggle() },
                ],
                to: grant, &random))
        case .deny(let deny):
            return .deny(FieldMutator.apply(
                [id(\.requestID), string(\.reservationID, .reservation), string(\.detail, .customer), { value, random in value.reason = .unrecognized(random.index(100)) }],
                to: deny, &random))
        case .releaseAck(let ack):
            return .releaseAck(FieldMutator.apply(
                [id(\.ackedID), string(\.reservationID, .reservation), integer(\.capacityUsed), { value, random in value.wasHeld.toggle() }],
                to: ack, &random))
        case .offerReply(let reply):
            return .offerReply(FieldMutator.apply(
                [
                    string(\.offerID, .offer), string(\.agentID, .agent), optional(\.conversationID, .conversation), integer(\.decidedAtMs),
                    { value, random in value.decision = value.decision == .accept ? .reject : .accept },
                ],
                to: reply, &random))
        case .agentAction(let action):
            return .agentAction(FieldMutator.apply(
                [
                    string(\.actionID, .offer), string(\.agentID, .agent), string(\.conversationID, .conversation), optional(\.queue, .queue),
                    string(\.note, .customer), integer(\.requestedAtMs),
                    { value, random in
                        value.kind = random.pick([
                            .pick, .release, .hold, .wrapUp, .close,
                            .transferToQueue(FieldMutator.string("fuzz", kind: .queue, known, &random)),
                            .transferToAgent(FieldMutator.string("fuzzer", kind: .agent, known, &random)),
                        ])
                    },
                ],
                to: action, &random))
        case .snapshotReply(let reply):
            return .snapshotReply(FieldMutator.apply(
                [
                    id(\.requestID), integer(\.sequence), integer(\.chunk), { value, random in value.isLastChunk.toggle() },
                    { value, random in value.agents = value.agents.map { agent(of: $0, known, &random) } + (random.chance(1, in: 3) ? value.agents : []) },
                ],
                to: reply, &random))
        case .agentUpdate(let update):
            return .agentUpdate(FieldMutator.apply(
                [integer(\.sequence), { value, random in value.agent = agent(of: value.agent, known, &random) }], to: update, &random))
        case .heartbeat(let beat):
            return .heartbeat(FieldMutator.apply([string(\.sender, .distributor), integer(\.lastSequence), integer(\.sentAtMs)], to: beat, &random))
        default:
            return message
        }
    }

    static func agent(of state: AgentState, _ known: KnownValues, _ random: inout SplitMix64) -> AgentState {
        var state = state
        switch random.index(6) {
        case 0: state.agentID = FieldMutator.string(state.agentID, kind: .agent, known, &random)
        case 1: state.basePresence = random.pick(BasePresence.allCases)
        case 2: state.capacityTotal = FieldMutator.integer(state.capacityTotal, &random)
        case 3: state.capacityUsed = FieldMutator.integer(state.capacityUsed, &random)
        case 4: state.connected.toggle()
        default: state.lastAssignmentAtMs = FieldMutator.integer(state.lastAssignmentAtMs ?? 0, &random)
        }
        return state
    }
}
