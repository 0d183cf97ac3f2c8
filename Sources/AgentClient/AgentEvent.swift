import JSONText

/// A server frame of the agent protocol, decoded into what a client acts on.
public enum AgentEvent: Sendable, Equatable {
    public struct Offer: Sendable, Equatable {
        public let offerID: String
        public let conversationID: String
        public let queue: String
        /// ISO 8601 UTC with milliseconds, as sent (empty when missing).
        public var expiresAt: String = ""
        /// The customer's first messages, carried by the offer (agent.md): accepting it is
        /// their receipt. `AgentSession` hands them on as `message` events once the
        /// distributor confirms the accept, where they came before offers carried them.
        public var messages: [Message] = []
    }

    public struct Message: Sendable, Equatable {
        public let conversationID: String
        public let sequence: Int
        public let text: String
    }

    /// The agent's state as presence sees it (`agent` in `welcome` and `presence` frames).
    public struct State: Sendable, Equatable {
        /// The chosen presence (a base or custom presence name).
        public let presence: String
        public let basePresence: String
        public let connected: Bool
        public let capacityTotal: Int
        public let capacityUsed: Int
    }

    /// The session is live: the agent's state and the offers to it still standing.
    case welcome(state: State?, offers: [Offer])
    /// The agent's state changed (its own `setPresence`, capacity taken or freed).
    case presence(State)
    case offer(Offer)
    case offerWithdrawn(offerID: String, reason: String)
    /// The distributor's answer to accept/reject: `accepted` true when the conversation is Active with us.
    case offerReplied(conversationID: String, accepted: Bool, reason: String)
    case message(Message)
    /// A queue's open work items, oldest first (D2, D3).
    case workItems(queue: String, conversationIDs: [String])
    case workItemAdded(queue: String, conversationID: String)
    case workItemRemoved(queue: String, conversationID: String)
    /// The distributor's answer to an action (`pick`, `wrapUp`, ...): `done` or a refusal name.
    case actionResult(action: String, conversationID: String, outcome: String, refusal: String, state: String)
    /// The outcome of a `reply`: `accepted` once the channel adapter has stored it for sending.
    case replyResult(conversationID: String, clientMessageID: String, accepted: Bool, reason: String)
    case error(code: String, reason: String)
    /// Any other frame type (kept so a client can log it).
    case other(type: String)
    /// The connection ended.
    case closed

    init(frame text: String) {
        self = Self.decode(frame: text).event
    }

    /// The event of a frame, and the messages an accepted `offerReplied` repeats: those its
    /// offer carried, delivered by the accept (agent.md).
    static func decode(frame text: String) -> (event: AgentEvent, carried: [Message]) {
        // JSONReader rather than JSONDecoder: the Codable machinery was about a sixth of the
        // bench's agents' CPU (decisions §53), as JSONSerialization's bridging was before it (§26).
        guard let frame = ServerFrame(text: text), frame.type != nil else {
            return (.error(code: "malformedFromServer", reason: String(text.prefix(200))), [])
        }
        let event = AgentEvent(frame, text: text)
        guard case .offerReplied(_, true, _) = event else { return (event, []) }
        return (event, frame.messages)
    }

    private init(_ frame: ServerFrame, text: String) {
        let type = frame.type ?? ""
        func string(_ key: ServerFrame.Key) -> String { frame.strings[key] ?? "" }
        switch type {
        case "welcome":
            self = .welcome(state: frame.agent.map(Self.state), offers: (frame.offers ?? []).map { Self.offer($0.strings, messages: $0.messages) })
        case "presence":
            guard let agent = frame.agent else {
                self = .error(code: "malformedFromServer", reason: String(text.prefix(200)))
                return
            }
            self = .presence(Self.state(agent))
        case "offer": self = .offer(Self.offer(frame.strings, messages: frame.messages))
        case "offerWithdrawn": self = .offerWithdrawn(offerID: string(.offerId), reason: string(.reason))
        case "offerReplied":
            self = .offerReplied(conversationID: string(.conversationId), accepted: string(.outcome) == "accepted", reason: string(.reason))
        case "message":
            self = .message(Message(conversationID: string(.conversationId), sequence: frame.sequence ?? 0, text: string(.text)))
        case "workItems":
            self = .workItems(queue: string(.queue), conversationIDs: (frame.items ?? []).compactMap { $0.strings[.conversationId] })
        case "workItemAdded":
            let item = frame.item ?? [:]
            self = .workItemAdded(queue: item[.queue] ?? "", conversationID: item[.conversationId] ?? "")
        case "workItemRemoved":
            self = .workItemRemoved(queue: string(.queue), conversationID: string(.conversationId))
        case "actionResult":
            self = .actionResult(
                action: string(.action), conversationID: string(.conversationId), outcome: string(.outcome),
                refusal: string(.refusal), state: string(.conversationState))
        case "replyResult":
            self = .replyResult(
                conversationID: string(.conversationId), clientMessageID: string(.clientMessageId),
                accepted: string(.outcome) == "accepted", reason: string(.reason))
        case "error": self = .error(code: string(.code), reason: string(.reason))
        default: self = .other(type: type)
        }
    }

    private static func offer(_ fields: [ServerFrame.Key: String], messages: [Message]) -> Offer {
        Offer(
            offerID: fields[.offerId] ?? "", conversationID: fields[.conversationId] ?? "", queue: fields[.queue] ?? "",
            expiresAt: fields[.expiresAt] ?? "", messages: messages)
    }

    private static func state(_ agent: ServerFrame.Agent) -> State {
        State(
            presence: agent.presence, basePresence: agent.basePresence ?? "", connected: agent.connected ?? false,
            capacityTotal: agent.capacity?.total ?? 0, capacityUsed: agent.capacity?.used ?? 0)
    }
}

/// The fields of a server frame a client reads. Lenient as the protocol asks: a field of
/// another type than expected reads as absent, as an unknown field is ignored.
private struct ServerFrame {
    /// The members a client reads as strings.
    enum Key: String, CaseIterable {
        case type, offerId, conversationId, queue, expiresAt, reason, outcome, text, action, refusal
        case conversationState, clientMessageId, code
    }

    struct Agent {
        struct Capacity {
            var total: Int?
            var used: Int?
        }
        var presence: String
        var basePresence: String?
        var connected: Bool?
        var capacity: Capacity?

        init?(_ value: JSONValue?) {
            guard case .object(let fields)? = value, case .string(let presence)? = fields["presence"] else { return nil }
            self.presence = presence
            if case .string(let base)? = fields["basePresence"] { basePresence = base }
            if case .bool(let connected)? = fields["connected"] { self.connected = connected }
            if case .object(let capacity)? = fields["capacity"] {
                self.capacity = Capacity(total: ServerFrame.integer(capacity["total"]), used: ServerFrame.integer(capacity["used"]))
            }
        }
    }

    var type: String?
    /// Every top-level string field by key.
    var strings: [Key: String] = [:]
    var sequence: Int?
    var agent: Agent?
    /// An offer's carried messages (`messages`).
    var messages: [AgentEvent.Message] = []
    var offers: [Object]?
    var items: [Object]?
    var item: [Key: String]?

    /// An element of `offers` or `items`: its string fields, and an offer's messages.
    struct Object {
        var strings: [Key: String]
        var messages: [AgentEvent.Message]
    }

    /// Nil when `text` is not a JSON object.
    init?(text: String) {
        guard case .object(let fields)? = try? JSONReader.read(text) else { return nil }
        strings = Self.strings(in: fields)
        type = strings[.type]
        sequence = Self.integer(fields["sequence"])
        agent = Agent(fields["agent"])
        messages = Self.messages(fields["messages"])
        offers = Self.objects(fields["offers"])
        items = Self.objects(fields["items"])
        if case .object(let item)? = fields["item"] { self.item = Self.strings(in: item) }
    }

    static func strings(in fields: [String: JSONValue]) -> [Key: String] {
        var strings: [Key: String] = [:]
        for key in Key.allCases {
            if case .string(let value)? = fields[key.rawValue] { strings[key] = value }
        }
        return strings
    }

    /// An array of objects (offers, work items), each read by its string fields and messages.
    static func objects(_ value: JSONValue?) -> [Object]? {
        guard case .array(let elements)? = value else { return nil }
        return elements.compactMap { element in
            guard case .object(let fields) = element else { return nil }
            return Object(strings: strings(in: fields), messages: messages(fields["messages"]))
        }
    }

    /// An offer's `messages`, each read as a `message` frame is; an element without a
    /// conversation or sequence is skipped.
    static func messages(_ value: JSONValue?) -> [AgentEvent.Message] {
        guard case .array(let elements)? = value else { return [] }
        return elements.compactMap { element in
            guard case .object(let fields) = element, case .string(let conversationID)? = fields["conversationId"],
                let sequence = integer(fields["sequence"])
            else { return nil }
            let text: String = if case .string(let text)? = fields["text"] { text } else { "" }
            return AgentEvent.Message(conversationID: conversationID, sequence: sequence, text: text)
        }
    }

    static func integer(_ value: JSONValue?) -> Int? {
        if case .integer(let integer)? = value { Int(exactly: integer) } else { nil }
    }
}
