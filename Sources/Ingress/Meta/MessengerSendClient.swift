import AsyncHTTPClient
import SwitchboardCore
import Wire

/// Sends agent replies to Messenger customers with the Send API (M1):
/// `POST {apiBaseUrl}/v19.0/{pageId}/messages`, the page access token as a Bearer header,
/// `{"recipient":{"id":PSID},"messaging_type":"RESPONSE","message":{"text":…}}`.
///
/// `RESPONSE` is allowed within 24 hours of the customer's last message; later, Meta answers
/// 400 and the reply is `permanent`. The Send API has no idempotency key: a retry after a
/// lost answer may send twice.
public struct MessengerSendClient: ProviderReplySender {
    private let targets: MetaSendTargets
    private let call: GraphSendCall

    /// One shared `http` client for every send; `timeout` bounds each one.
    public init(configuration: SwitchboardConfiguration, secrets: MetaChannelSecrets, http: HTTPClient, timeout: Duration = .seconds(10)) {
        targets = MetaSendTargets(channelType: .facebook, configuration: configuration, secrets: secrets)
        call = GraphSendCall(http: http, timeout: timeout)
    }

    public var channelType: SwitchboardCore.ChannelType { .facebook }

    public func send(_ reply: AgentReply, replyID: MessageID) async -> ProviderSendOutcome {
        switch targets.prepare(reply, addressName: "PSID") {
        case .refuse(let outcome):
            return outcome
        case .send(let target, let text):
            let body = Request(recipient: .init(id: reply.customerAddress), messagingType: "RESPONSE", message: .init(text: text))
            return await call.post(to: target, body: body, answer: Answer.self, messageID: \.messageID)
        }
    }

    struct Request: Encodable {
        struct Recipient: Encodable { let id: String }
        struct Message: Encodable { let text: String }
        let recipient: Recipient
        let messagingType: String
        let message: Message

        enum CodingKeys: String, CodingKey {
            case recipient, message
            case messagingType = "messaging_type"
        }
    }

    /// `{"recipient_id":…,"message_id":"m_…"}`.
    struct Answer: Decodable {
        let messageID: String?

        enum CodingKeys: String, CodingKey { case messageID = "message_id" }
    }
}
