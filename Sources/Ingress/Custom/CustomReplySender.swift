import AsyncHTTPClient
import Foundation
import NIOCore
import SwitchboardCore
import Wire

/// Delivers agent replies of custom channels (docs/channels/custom.md, "Replies"): a JSON
/// POST to the channel's `callbackUrl`, signed like inbound messages (the same shared secret,
/// `X-Switchboard-Signature` over timestamp + "." + body) so the receiver can verify it
/// came from us. `replyId` is the idempotency key: a retried POST carries the same one.
///
/// The answer maps to an outcome as for every provider (`ProviderAPICall`); a JSON answer's
/// `messageId` is kept as the provider's id, else the reply id.
public struct CustomReplySender: ProviderReplySender {
    struct Channel: Sendable {
        let callbackURL: String
        let signature: CustomChannelSignature
    }

    private let channels: [String: Channel]
    private let client: HTTPClient
    private let now: @Sendable () -> Date

    public init(
        configuration: SwitchboardConfiguration, secrets: ChannelSecrets, client: HTTPClient,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        var channels: [String: Channel] = [:]
        for channel in configuration.channels {
            guard case .custom(let settings) = channel.provider, let secret = secrets.secret(forChannel: channel.id) else { continue }
            channels[channel.id] = Channel(callbackURL: settings.callbackUrl.string, signature: CustomChannelSignature(secret: secret))
        }
        self.channels = channels
        self.client = client
        self.now = now
    }

    public var channelType: ChannelType { .custom }

    public func send(_ reply: AgentReply, replyID: MessageID) async -> ProviderSendOutcome {
        guard let channel = channels[reply.channelInstanceID] else {
            return .permanent(reason: "no custom channel '\(reply.channelInstanceID)'")
        }
        let body = Self.body(reply, replyID: replyID)
        let (timestamp, signature) = channel.signature.sign(body: body, now: now())
        return await ProviderAPICall.post(
            channel.callbackURL, contentType: "application/json", authorization: nil,
            headers: [
                (CustomChannelSignature.timestampHeader, timestamp), (CustomChannelSignature.signatureHeader, signature),
                ("Idempotency-Key", replyID.description),
            ],
            body: body, with: client, timeout: ProviderAPICall.defaultTimeout, provider: "callback",
            messageID: { Self.messageID(in: $0) ?? replyID.description })
    }

    /// `{"replyId","conversationId","channelId","customer":{"id"},"agentId","text","attachments","sentAt"}`.
    static func body(_ reply: AgentReply, replyID: MessageID) -> [UInt8] {
        var object: [String: Any] = [
            "replyId": replyID.description,
            "conversationId": reply.conversationID,
            "channelId": reply.channelInstanceID,
            "customer": ["id": reply.customerAddress],
            "agentId": reply.agentID,
            "text": reply.text,
            "attachments": reply.attachments.map { attachment -> [String: Any] in
                var fields: [String: Any] = ["url": attachment.url]
                if !attachment.contentType.isEmpty { fields["contentType"] = attachment.contentType }
                if !attachment.name.isEmpty { fields["name"] = attachment.name }
                return fields
            },
        ]
        if reply.sentAtMs > 0 {
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            object["sentAt"] = formatter.string(from: Date(timeIntervalSince1970: Double(reply.sentAtMs) / 1000))
        }
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }

    private static func messageID(in answer: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any],
            let id = object["messageId"] as? String, !id.isEmpty
        else { return nil }
        return id
    }
}
