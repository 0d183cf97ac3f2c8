import AsyncHTTPClient
import SwitchboardCore
import Wire

/// Sends agent replies to WhatsApp customers with the Cloud API (M1):
/// `POST {apiBaseUrl}/v19.0/{phoneNumberId}/messages`, `Authorization: Bearer <token>`,
/// `{"messaging_product":"whatsapp","to":wa_id,"type":"text","text":{"body":…}}`.
///
/// The reply's Wire id goes in `biz_opaque_callback_data`: Meta echoes it in the delivery
/// statuses of the message, so a receipt can be matched to the reply even before the
/// sender has stored the provider's id. Free-form text is allowed within 24 hours of the
/// customer's last message; later, Meta refuses it (a template would be needed).
public struct WhatsAppSendClient: ProviderReplySender {
    private let targets: MetaSendTargets
    private let call: GraphSendCall

    /// One shared `http` client for every send; `timeout` bounds each one.
    public init(configuration: SwitchboardConfiguration, secrets: MetaChannelSecrets, http: HTTPClient, timeout: Duration = .seconds(10)) {
        targets = MetaSendTargets(channelType: .whatsapp, configuration: configuration, secrets: secrets)
        call = GraphSendCall(http: http, timeout: timeout)
    }

    public var channelType: SwitchboardCore.ChannelType { .whatsapp }

    public func send(_ reply: AgentReply, replyID: MessageID) async -> ProviderSendOutcome {
        switch targets.prepare(reply, addressName: "wa_id") {
        case .refuse(let outcome):
            return outcome
        case .send(let target, let text):
            let body = Request(
                messagingProduct: "whatsapp", to: reply.customerAddress, type: "text", text: .init(body: text),
                callbackData: replyID.description)
            return await call.post(to: target, body: body, answer: Answer.self, messageID: { $0.messages?.first?.id })
        }
    }

    struct Request: Encodable {
        struct Text: Encodable { let body: String }
        let messagingProduct: String
        let to: String
        let type: String
        let text: Text
        let callbackData: String

        enum CodingKeys: String, CodingKey {
            case to, type, text
            case messagingProduct = "messaging_product"
            case callbackData = "biz_opaque_callback_data"
        }
    }

    /// `{"messaging_product":"whatsapp","contacts":[…],"messages":[{"id":"wamid…"}]}`.
    struct Answer: Decodable {
        struct Sent: Decodable { let id: String? }
        let messages: [Sent]?
    }
}
