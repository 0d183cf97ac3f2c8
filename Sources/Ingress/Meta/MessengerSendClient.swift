import AsyncHTTPClient
import Foundation
import SwitchboardCore
import Wire

/// Sends agent replies to Messenger customers with the Send API (M1):
/// `POST {apiBaseUrl}/v19.0/{pageId}/messages`, the page access token as a Bearer header,
/// `{"recipient":{"id":PSID},"messaging_type":"RESPONSE","message":{"text":…}}`.
///
/// `RESPONSE` is allowed within 24 hours of the customer's last message; later, Meta answers
/// 400 and the reply is `permanent`.
public struct MessengerSendClient: ProviderReplySender {
    struct Page: Sendable {
        let pageID: String
        let accessToken: [UInt8]
        let graphBaseURL: String
    }

    private let pages: [String: Page]
    private let call: GraphSendCall

    /// One shared `http` client for every send; `timeout` bounds each one.
    public init(configuration: SwitchboardConfiguration, secrets: MetaChannelSecrets, http: HTTPClient, timeout: Duration = .seconds(10)) {
        var pages: [String: Page] = [:]
        for channel in configuration.channels {
            guard case .facebook(let settings) = channel.provider, let secret = secrets.secrets(forChannel: channel.id) else { continue }
            pages[channel.id] = Page(
                pageID: settings.pageId, accessToken: secret.accessToken, graphBaseURL: MetaGraphAPI.versionedBase(settings.apiBaseUrl))
        }
        self.pages = pages
        call = GraphSendCall(http: http, timeout: timeout)
    }

    public var channelType: SwitchboardCore.ChannelType { .facebook }

    public func send(_ reply: AgentReply, replyID: MessageID) async -> ProviderSendOutcome {
        guard let page = pages[reply.channelInstanceID] else {
            return .permanent(reason: "no facebook channel \"\(reply.channelInstanceID)\" is configured")
        }
        guard !reply.customerAddress.isEmpty else { return .permanent(reason: "the reply has no customer address (PSID)") }
        guard let text = MetaReplyText.text(of: reply) else { return .permanent(reason: "the reply has no text and no attachment") }
        let body = Request(recipient: .init(id: reply.customerAddress), messagingType: "RESPONSE", message: .init(text: text))
        guard let bytes = try? JSONEncoder().encode(body) else { return .permanent(reason: "the reply cannot be encoded as JSON") }
        // Meta's Send API has no idempotency key: a retry after a lost answer may send twice.
        return await call.post(
            url: "\(page.graphBaseURL)/\(page.pageID)/messages", accessToken: page.accessToken, body: Array(bytes),
            answer: Answer.self, messageID: \.messageID)
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
