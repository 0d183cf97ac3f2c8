import AsyncHTTPClient
import Foundation
import ProcessRuntime
import SwitchboardCore
import Wire

/// Sends agent replies as X direct messages (M1):
/// `POST {apiBaseUrl}/2/dm_conversations/with/{participant_id}/messages` with
/// `{"text": ...}` and `Authorization: Bearer <user access token>`. X answers 201 with
/// `{"data":{"dm_conversation_id":...,"dm_event_id":...}}`; the event id is the provider
/// message id. The DM API has no idempotency key, so `replyID` is unused. Attachments are
/// sent as links in the text: X only takes media uploaded to it first (not done yet).
public struct XDirectMessageClient: ProviderReplySender {
    struct Channel: Sendable {
        let accessToken: String
        let apiBaseURL: HTTPURL
    }

    private let channels: [String: Channel]
    private let client: HTTPClient
    private let timeout: Duration

    /// `accessTokens` holds each X channel's resolved user access token; `client` is the
    /// process's one shared HTTP client; `timeout` bounds each call.
    public init(
        configuration: SwitchboardConfiguration, accessTokens: ChannelSecrets, client: HTTPClient,
        timeout: Duration = ProviderAPICall.defaultTimeout
    ) {
        var channels: [String: Channel] = [:]
        for channel in configuration.channels {
            guard case .twitter(let settings) = channel.provider, let token = accessTokens.secret(forChannel: channel.id) else { continue }
            channels[channel.id] = Channel(accessToken: String(decoding: token, as: UTF8.self), apiBaseURL: settings.apiBaseUrl)
        }
        self.channels = channels
        self.client = client
        self.timeout = timeout
    }

    public init(
        configuration: SwitchboardConfiguration, environment: [String: String], client: HTTPClient,
        timeout: Duration = ProviderAPICall.defaultTimeout
    ) throws(IngressError) {
        self.init(
            configuration: configuration, accessTokens: try ChannelSecrets.twitterAccessTokens(configuration, environment: environment),
            client: client, timeout: timeout)
    }

    public var channelType: ChannelType { .twitter }

    public func send(_ reply: AgentReply, replyID: MessageID) async -> ProviderSendOutcome {
        guard let channel = channels[reply.channelInstanceID] else {
            return .permanent(reason: "no twitter channel \"\(reply.channelInstanceID)\"")
        }
        // The participant id goes into the path: an X user id is digits only.
        guard !reply.customerAddress.isEmpty, reply.customerAddress.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .permanent(reason: "customer address \"\(reply.customerAddress.prefix(32))\" is not an X user id")
        }
        let text = ([reply.text] + reply.attachments.map(\.url)).filter { !$0.isEmpty }.joined(separator: "\n")
        guard !text.isEmpty else { return .permanent(reason: "the reply has neither text nor attachments") }

        return await ProviderAPICall.post(
            channel.apiBaseURL.joined("/2/dm_conversations/with/\(reply.customerAddress)/messages"), contentType: "application/json",
            authorization: "Bearer \(channel.accessToken)", body: Array(("{\"text\":" + JSONText.quoted(text) + "}").utf8),
            with: client, timeout: timeout, provider: "X"
        ) { body in
            struct Answer: Decodable {
                struct Event: Decodable {
                    let dmEventID: String
                    enum CodingKeys: String, CodingKey { case dmEventID = "dm_event_id" }
                }
                let data: Event
            }
            return try? JSONDecoder().decode(Answer.self, from: Data(body)).data.dmEventID
        }
    }
}
