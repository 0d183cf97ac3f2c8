import JSONText
import Foundation
import Wire

/// What an agent asks for, from a WebSocket frame or an HTTP request (agent.md section 3).
public enum AgentCommand: Sendable, Hashable {
    case setPresence(String)
    case reply(offerID: String, OfferDecision)
    case action(AgentActionRequest)
    /// M1: a message to the customer of a conversation the agent holds.
    case sendReply(AgentReplyRequest)
    /// The client has a customer message (agent.md, receipts): only now is it acknowledged
    /// to the distributor, for a session that asked for receipts in its `hello`.
    case received(conversationID: String, sequence: UInt64)
}

/// An agent's message to the customer, before presence names it and routes it.
public struct AgentReplyRequest: Sendable, Hashable {
    public var conversationID: String
    public var text: String
    /// The client's own id for this message: a resend with the same one is sent to the
    /// customer once, also across a presence restart (it decides the reply's Wire id).
    public var clientMessageID: String?

    public init(conversationID: String, text: String, clientMessageID: String? = nil) {
        self.conversationID = conversationID
        self.text = text
        self.clientMessageID = clientMessageID
    }
}

/// An action on a conversation, before presence names it (`action_id`) and routes it.
public struct AgentActionRequest: Sendable, Hashable {
    public var conversationID: String
    public var kind: AgentAction.Kind
    /// Only for pick: the queue whose open work item is taken.
    public var queue: String?
    public var note: String
    /// The client's own id for the action (`clientActionId`): a resend with it is carried
    /// out once and answered as the first copy was (agent.md section 4, decisions §34).
    public var clientActionID: String?

    public init(conversationID: String, kind: AgentAction.Kind, queue: String? = nil, note: String = "", clientActionID: String? = nil) {
        self.conversationID = conversationID
        self.kind = kind
        self.queue = queue
        self.note = note
        self.clientActionID = clientActionID
    }

    /// The agent-protocol name of the action.
    var name: String {
        switch kind {
        case .pick: "pick"
        case .release: "release"
        case .hold: "hold"
        case .wrapUp: "wrapUp"
        case .close: "close"
        case .transferToQueue, .transferToAgent: "transfer"
        }
    }
}

/// A refusal of a frame or request, with the agent.md error code.
public struct AgentProtocolError: Error, Sendable, Hashable {
    public var code: String
    public var reason: String

    public init(_ code: String, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    func frame(requestID: String?) -> JSONValue {
        ["type": "error", "code": .string(code), "reason": .string(reason), "requestId": .optional(requestID)]
    }
}

/// A client frame as JSON: every field the protocol knows, all optional, checked per type.
struct ClientFrame: Sendable {
    var type: String
    var requestId: String?
    var agentId: String?
    var secret: String?
    var presence: String?
    var offerId: String?
    var conversationId: String?
    var queue: String?
    var targetQueue: String?
    var targetAgentId: String?
    var note: String?
    var text: String?
    var clientMessageId: String?
    var clientActionId: String?
    /// `received`: the customer message's sequence.
    var sequence: UInt64?
    /// `hello`: the client sends `received` for every customer message.
    var receipts: Bool?

    /// Read with `JSONReader`, not `JSONDecoder`: the Codable machinery was about 4 % of
    /// presence's CPU under load (decisions §53). A known field of another type (null reads as
    /// absent) makes the frame malformed, as it did with JSONDecoder; unknown fields are ignored.
    static func decode(_ text: String) throws(AgentProtocolError) -> ClientFrame {
        guard case .object(let fields)? = try? JSONReader.read(text), case .string(let type)? = fields["type"] else {
            throw malformed
        }
        var frame = ClientFrame(type: type)
        frame.requestId = try string(fields["requestId"])
        frame.agentId = try string(fields["agentId"])
        frame.secret = try string(fields["secret"])
        frame.presence = try string(fields["presence"])
        frame.offerId = try string(fields["offerId"])
        frame.conversationId = try string(fields["conversationId"])
        frame.queue = try string(fields["queue"])
        frame.targetQueue = try string(fields["targetQueue"])
        frame.targetAgentId = try string(fields["targetAgentId"])
        frame.note = try string(fields["note"])
        frame.text = try string(fields["text"])
        frame.clientMessageId = try string(fields["clientMessageId"])
        frame.clientActionId = try string(fields["clientActionId"])
        switch fields["sequence"] {
        case nil, .null?: break
        case .integer(let sequence)? where sequence >= 0: frame.sequence = UInt64(sequence)
        default: throw malformed
        }
        switch fields["receipts"] {
        case nil, .null?: break
        case .bool(let receipts)?: frame.receipts = receipts
        default: throw malformed
        }
        return frame
    }

    private static func string(_ value: JSONValue?) throws(AgentProtocolError) -> String? {
        switch value {
        case nil, .null?: nil
        case .string(let string)?: string
        default: throw malformed
        }
    }

    private static var malformed: AgentProtocolError {
        AgentProtocolError("malformed", "expected a JSON object with a string \"type\" and fields of the protocol's types")
    }

    /// The command a non-hello frame asks for.
    func command() throws(AgentProtocolError) -> AgentCommand {
        switch type {
        case "setPresence": return .setPresence(try require(presence, "presence"))
        case "accept": return .reply(offerID: try require(offerId, "offerId"), .accept)
        case "reject": return .reply(offerID: try require(offerId, "offerId"), .reject)
        case "pick":
            return .action(
                AgentActionRequest(
                    conversationID: try require(conversationId, "conversationId"), kind: .pick,
                    queue: try require(queue, "queue"), note: note ?? "", clientActionID: clientActionID))
        case "reply":
            let text = try require(text, "text")
            guard text.utf8.count <= AgentReplyRequest.maximumTextBytes else {
                throw AgentProtocolError("malformed", "text is longer than \(AgentReplyRequest.maximumTextBytes) bytes")
            }
            return .sendReply(AgentReplyRequest(
                conversationID: try require(conversationId, "conversationId"), text: text,
                clientMessageID: clientMessageId.flatMap { $0.isEmpty ? nil : String($0.prefix(128)) }))
        case "received":
            guard let sequence else { throw AgentProtocolError("missingField", "\"sequence\" is required") }
            return .received(conversationID: try require(conversationId, "conversationId"), sequence: sequence)
        case "release": return try simple(.release)
        case "hold": return try simple(.hold)
        case "wrapUp": return try simple(.wrapUp)
        case "close": return try simple(.close)
        case "transfer":
            let kind: AgentAction.Kind
            if let targetQueue, !targetQueue.isEmpty {
                kind = .transferToQueue(try require(targetQueue, "targetQueue"))
            } else if let targetAgentId, !targetAgentId.isEmpty {
                kind = .transferToAgent(try require(targetAgentId, "targetAgentId"))
            } else {
                throw AgentProtocolError("missingField", "transfer needs targetQueue or targetAgentId")
            }
            return try simple(kind)
        case "hello": throw AgentProtocolError("unknownType", "already authenticated")
        default: throw AgentProtocolError("unknownType", "unknown frame type \"\(type)\"")
        }
    }

    private func simple(_ kind: AgentAction.Kind) throws(AgentProtocolError) -> AgentCommand {
        .action(AgentActionRequest(
            conversationID: try require(conversationId, "conversationId"), kind: kind, note: note ?? "", clientActionID: clientActionID))
    }

    /// At most 128 characters, like `clientMessageId`; empty is none.
    private var clientActionID: String? {
        clientActionId.flatMap { $0.isEmpty ? nil : String($0.prefix(128)) }
    }

    /// A required id or name, by the wire's rule (decisions §38): one the distributor's decoder
    /// refuses would leave the action unanswered.
    private func require(_ value: String?, _ name: String) throws(AgentProtocolError) -> String {
        guard let value, !value.isEmpty else { throw AgentProtocolError("missingField", "\"\(name)\" is required") }
        do throws(WireError) {
            try WireCodec.checkID(value, field: name)
        } catch {
            throw AgentProtocolError("malformed", error.message)
        }
        return value
    }
}

extension AgentCommand {
    /// Decodes one agent → server frame sent after `hello` (agent.md section 3), as the agent
    /// WebSocket does: the command it asks for, or the refusal its `error` frame carries, and
    /// the frame's `requestId` when it had one. Never traps on any text.
    public static func decode(frame text: String) -> (requestID: String?, result: Result<AgentCommand, AgentProtocolError>) {
        let frame: ClientFrame
        do {
            frame = try ClientFrame.decode(text)
        } catch {
            return (nil, .failure(error))
        }
        do {
            return (frame.requestId, .success(try frame.command()))
        } catch {
            return (frame.requestId, .failure(error))
        }
    }
}

extension AgentReplyRequest {
    /// Large enough for any provider's message; a bigger one is refused, not truncated.
    public static let maximumTextBytes = 16 * 1024
}
