import JSONText
import SwitchboardCore
import Wire

/// Builds the server → agent frames of agent.md section 2.
enum AgentFrames {
    static func agent(_ state: AgentPresence, name: String) -> JSONValue {
        [
            "agentId": .string(state.agentID), "name": .string(name), "presence": .string(state.chosenPresence),
            "basePresence": .string(state.basePresence.rawValue), "connected": .bool(state.connected),
            "capacity": ["total": .integer(Int64(state.capacityTotal)), "used": .integer(Int64(state.capacityUsed))],
        ]
    }

    static func presence(_ state: AgentPresence, name: String) -> JSONValue {
        ["type": "presence", "agent": agent(state, name: name)]
    }

    static func welcome(_ state: AgentPresence, name: String, choices: [CustomPresence], offers: [Offer]) -> JSONValue {
        [
            "type": "welcome", "agent": agent(state, name: name),
            "presences": .array(choices.map { choice -> JSONValue in ["name": .string(choice.name), "base": .string(choice.base.rawValue)] }),
            "offers": .array(offers.map(offer)),
        ]
    }

    static func offer(_ offer: Offer) -> JSONValue {
        let kind =
            switch offer.kind {
            case .push: "push"
            case .affinity: "affinity"
            case .transfer: "transfer"
            case .unspecified, .unrecognized: "push"
            }
        return [
            "type": "offer", "offerId": .string(offer.offerID), "conversationId": .string(offer.conversationID),
            "queue": .string(offer.queue), "workStream": .string(offer.workStream), "kind": .string(kind),
            "channelType": .optional(offer.channelType), "expiresAt": .string(AgentTime.iso8601(ms: offer.expiresAtMs)),
            "summary": .object(offer.summary.mapValues(value)),
            // The customer's first messages, each as a `message` frame would carry it.
            "messages": .array(offer.messages.map { carried in message(conversationID: offer.conversationID, sequence: carried.sequence, carried.message) }),
        ]
    }

    static func offerWithdrawn(offerID: String, conversationID: String?, reason: String) -> JSONValue {
        ["type": "offerWithdrawn", "offerId": .string(offerID), "conversationId": .optional(conversationID), "reason": .string(reason)]
    }

    static func withdrawReason(_ reason: WithdrawReason) -> String {
        switch reason {
        case .expired: "expired"
        case .taken: "taken"
        case .conversationClosed: "conversationClosed"
        case .agentUnavailable: "agentUnavailable"
        case .unspecified, .unrecognized: "unspecified"
        }
    }

    static func message(_ message: ConversationMessage) -> JSONValue {
        Self.message(conversationID: message.conversationID, sequence: message.sequence, message.message)
    }

    static func message(conversationID: String, sequence: UInt64, _ inbound: InboundMessage) -> JSONValue {
        [
            "type": "message", "conversationId": .string(conversationID),
            "sequence": .integer(Int64(clamping: sequence)), "text": .string(inbound.text),
            "attachments": .array(
                inbound.attachments.map { attachment -> JSONValue in
                    [
                        "url": .string(attachment.url), "contentType": .string(attachment.contentType), "name": .string(attachment.name),
                        "sizeBytes": .integer(Int64(clamping: attachment.sizeBytes)),
                    ]
                }),
            "sentAt": .string(AgentTime.iso8601(ms: inbound.providerTimestampMs ?? inbound.receivedAtMs)),
            "customer": inbound.customerDisplayName.map { name -> JSONValue in ["displayName": .string(name)] } ?? .null,
            "channelType": .string(inbound.channelType),
        ]
    }

    static func actionResult(_ result: AgentActionResult, action: String, requestID: String?) -> JSONValue {
        var frame: [String: JSONValue] = [
            "type": "actionResult", "requestId": .optional(requestID), "actionId": .string(result.actionID),
            "action": .string(action), "conversationId": .string(result.conversationID),
            "detail": .string(result.detail), "conversationState": .optional(result.conversationState),
        ]
        switch result.outcome {
        case .done:
            frame["outcome"] = "done"
        case .refused(let refusal):
            frame["outcome"] = "refused"
            frame["refusal"] = .string(refusalName(refusal))
        }
        return .object(frame)
    }

    static func refusalName(_ refusal: AgentActionRefusal) -> String {
        switch refusal {
        case .alreadyTaken: "alreadyTaken"
        case .notAllowed: "notAllowed"
        case .invalidState: "invalidState"
        case .unknownConversation: "unknownConversation"
        case .unknownTarget: "unknownTarget"
        case .unspecified, .unrecognized: "unspecified"
        }
    }

    static func summary(_ context: [String: ContextValue]) -> JSONValue { .object(context.mapValues(value)) }

    private static func value(_ value: ContextValue) -> JSONValue {
        switch value {
        case .text(let text): .string(text)
        case .number(let number): number.isFinite ? .number(number) : .null
        }
    }
}
