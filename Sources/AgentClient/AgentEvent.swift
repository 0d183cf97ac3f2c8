import Foundation

/// A server frame of the agent protocol, decoded into what a client acts on.
public enum AgentEvent: Sendable, Equatable {
    public struct Offer: Sendable, Equatable {
        public let offerID: String
        public let conversationID: String
        public let queue: String
        /// ISO 8601 UTC with milliseconds, as sent (empty when missing).
        public var expiresAt: String = ""
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
        guard let frame = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
            let type = frame["type"] as? String
        else {
            self = .error(code: "malformedFromServer", reason: String(text.prefix(200)))
            return
        }
        func string(_ key: String) -> String { frame[key] as? String ?? "" }
        switch type {
        case "welcome":
            let offers = (frame["offers"] as? [[String: Any]] ?? []).map(Self.offer)
            self = .welcome(state: Self.state(frame["agent"]), offers: offers)
        case "presence":
            guard let state = Self.state(frame["agent"]) else {
                self = .error(code: "malformedFromServer", reason: String(text.prefix(200)))
                return
            }
            self = .presence(state)
        case "offer": self = .offer(Self.offer(frame))
        case "offerWithdrawn": self = .offerWithdrawn(offerID: string("offerId"), reason: string("reason"))
        case "offerReplied":
            self = .offerReplied(conversationID: string("conversationId"), accepted: string("outcome") == "accepted", reason: string("reason"))
        case "message":
            self = .message(Message(conversationID: string("conversationId"), sequence: frame["sequence"] as? Int ?? 0, text: string("text")))
        case "workItems":
            let items = frame["items"] as? [[String: Any]] ?? []
            self = .workItems(queue: string("queue"), conversationIDs: items.compactMap { $0["conversationId"] as? String })
        case "workItemAdded":
            let item = frame["item"] as? [String: Any] ?? [:]
            self = .workItemAdded(queue: item["queue"] as? String ?? "", conversationID: item["conversationId"] as? String ?? "")
        case "workItemRemoved":
            self = .workItemRemoved(queue: string("queue"), conversationID: string("conversationId"))
        case "actionResult":
            self = .actionResult(
                action: string("action"), conversationID: string("conversationId"), outcome: string("outcome"),
                refusal: string("refusal"), state: string("conversationState"))
        case "replyResult":
            self = .replyResult(
                conversationID: string("conversationId"), clientMessageID: string("clientMessageId"),
                accepted: string("outcome") == "accepted", reason: string("reason"))
        case "error": self = .error(code: string("code"), reason: string("reason"))
        default: self = .other(type: type)
        }
    }

    private static func offer(_ frame: [String: Any]) -> Offer {
        Offer(
            offerID: frame["offerId"] as? String ?? "", conversationID: frame["conversationId"] as? String ?? "", queue: frame["queue"] as? String ?? "",
            expiresAt: frame["expiresAt"] as? String ?? "")
    }

    private static func state(_ value: Any?) -> State? {
        guard let agent = value as? [String: Any], let presence = agent["presence"] as? String else { return nil }
        let capacity = agent["capacity"] as? [String: Any] ?? [:]
        return State(
            presence: presence, basePresence: agent["basePresence"] as? String ?? "", connected: agent["connected"] as? Bool ?? false,
            capacityTotal: capacity["total"] as? Int ?? 0, capacityUsed: capacity["used"] as? Int ?? 0)
    }
}
