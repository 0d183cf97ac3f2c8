import AsyncHTTPClient
import Foundation
import SwitchboardCore
import Wire

/// Sends agent replies as SMS/MMS with Twilio's Messages resource (M1):
/// `POST {apiBaseUrl}/2010-04-01/Accounts/{AccountSid}/Messages.json`, a form body
/// `To`, `From`, `Body` and one `MediaUrl` per attachment, HTTP Basic auth
/// `AccountSid:AuthToken`. Twilio answers 201 with the message resource; its `sid` is the
/// provider message id. Twilio has no idempotency key for this call, so `replyID` is unused.
public struct TwilioMessagesClient: ProviderReplySender {
    struct Channel: Sendable {
        let phoneNumber: String
        let accountSid: String
        let authToken: [UInt8]
        let messagesURL: String
    }

    private let channels: [String: Channel]
    private let client: HTTPClient
    private let timeout: Duration

    /// `authTokens` holds each SMS channel's resolved auth token; `client` is the process's
    /// one shared HTTP client; `timeout` bounds each call.
    public init(
        configuration: SwitchboardConfiguration, authTokens: ChannelSecrets, client: HTTPClient,
        timeout: Duration = ProviderAPICall.defaultTimeout
    ) {
        var channels: [String: Channel] = [:]
        for channel in configuration.channels {
            guard case .sms(let settings) = channel.provider, let token = authTokens.secret(forChannel: channel.id) else { continue }
            channels[channel.id] = Channel(
                phoneNumber: settings.phoneNumber, accountSid: settings.accountSid, authToken: token,
                messagesURL: settings.apiBaseUrl.joined("/2010-04-01/Accounts/\(settings.accountSid)/Messages.json"))
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
            configuration: configuration, authTokens: try ChannelSecrets.smsAuthTokens(configuration, environment: environment),
            client: client, timeout: timeout)
    }

    public var channelType: ChannelType { .sms }

    public func send(_ reply: AgentReply, replyID: MessageID) async -> ProviderSendOutcome {
        guard let channel = channels[reply.channelInstanceID] else {
            return .permanent(reason: "no sms channel \"\(reply.channelInstanceID)\"")
        }
        guard !reply.text.isEmpty || !reply.attachments.isEmpty else {
            return .permanent(reason: "the reply has neither text nor attachments")
        }
        var fields = [
            FormURLEncoded.Field(name: "To", value: reply.customerAddress),
            FormURLEncoded.Field(name: "From", value: channel.phoneNumber),
        ]
        if !reply.text.isEmpty { fields.append(FormURLEncoded.Field(name: "Body", value: reply.text)) }
        fields += reply.attachments.map { FormURLEncoded.Field(name: "MediaUrl", value: $0.url) }

        return await ProviderAPICall.post(
            channel.messagesURL, contentType: "application/x-www-form-urlencoded",
            authorization: BasicAuthorization.header(user: channel.accountSid, password: channel.authToken),
            body: Array(FormURLEncoded.encode(fields).utf8), with: client, timeout: timeout, provider: "Twilio"
        ) { body in
            struct MessageResource: Decodable { let sid: String }
            return try? JSONDecoder().decode(MessageResource.self, from: Data(body)).sid
        }
    }
}

/// `Authorization: Basic base64(user:password)` (RFC 7617).
enum BasicAuthorization {
    static func header(user: String, password: [UInt8]) -> String {
        "Basic " + Data(Array(user.utf8) + [UInt8(ascii: ":")] + password).base64EncodedString()
    }
}
