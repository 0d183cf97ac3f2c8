import Foundation
import Hummingbird
import SwitchboardCore
import Wire

/// X Account Activity webhooks (docs/channels/twitter.md): the CRC check (GET) answered
/// from memory, and signed POSTs whose `direct_message_events` are customer messages.
///
/// The URL names the channel (`/channels/twitter/{channelId}`), whose consumer secret
/// answers the CRC and checks the POST's signature. One X app webhook receives the events
/// of every account subscribed to it: a POST whose `for_user_id` is another configured
/// channel's account of the same app is stored for that channel; one for an account no
/// channel has is answered 200 and dropped (it is not ours, and X must not retry it).
public struct TwitterChannelAdapter: ChannelAdapter {
    public static let maximumBodyBytes = 1 << 20

    struct Channel: Sendable {
        let id: String
        let accountID: String
        let consumerSecret: [UInt8]
        var signature: XWebhookSignature { XWebhookSignature(consumerSecret: consumerSecret) }
    }

    private let channels: [String: Channel]
    private let channelsByAccount: [String: Channel]

    /// `consumerSecrets` holds each X channel's resolved consumer secret (`ChannelSecrets.twitterConsumerSecrets`).
    public init(configuration: SwitchboardConfiguration, consumerSecrets: ChannelSecrets) {
        var channels: [String: Channel] = [:]
        for channel in configuration.channels {
            guard case .twitter(let settings) = channel.provider, let secret = consumerSecrets.secret(forChannel: channel.id) else { continue }
            channels[channel.id] = Channel(id: channel.id, accountID: settings.accountId, consumerSecret: secret)
        }
        self.channels = channels
        channelsByAccount = Dictionary(channels.values.map { ($0.accountID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Reads every X channel's consumer secret from `environment`; a missing one is an
    /// error naming the variable and the channel.
    public init(configuration: SwitchboardConfiguration, environment: [String: String]) throws(IngressError) {
        self.init(
            configuration: configuration,
            consumerSecrets: try ChannelSecrets.twitterConsumerSecrets(configuration, environment: environment))
    }

    public var channelType: ChannelType { .twitter }

    public var routes: [AdapterRoute] {
        [
            AdapterRoute(method: .get, path: "/channels/twitter/:channelId", maximumBodyBytes: 0),
            AdapterRoute(method: .post, path: "/channels/twitter/:channelId", maximumBodyBytes: Self.maximumBodyBytes),
        ]
    }

    public func receive(_ request: RawRequest) async -> AdapterVerdict {
        let channelID = request.parameters["channelId"] ?? ""
        guard let channel = channels[channelID] else {
            return .reject(IngressRejection(.unknownChannel, "no twitter channel \"\(channelID.prefix(64))\""))
        }
        return request.method == .get ? crcAnswer(request, channel: channel) : events(request, channel: channel)
    }

    /// X's deadline is 3 s: one HMAC, no I/O.
    private func crcAnswer(_ request: RawRequest, channel: Channel) -> AdapterVerdict {
        let query = request.uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        guard case .success(let fields) = FormURLEncoded.decode(query.utf8),
            let token = fields.first(where: { $0.name == "crc_token" })?.value, !token.isEmpty
        else {
            return .reject(.malformed("crc_token query parameter is required"))
        }
        return .respond(.json(.ok, [("response_token", .string(channel.signature.crcResponseToken(crcToken: token)))]))
    }

    private func events(_ request: RawRequest, channel pathChannel: Channel) -> AdapterVerdict {
        guard request.hasMediaType("application/json") else {
            return .reject(IngressRejection(.unsupportedMediaType, "Content-Type must be application/json"))
        }
        if case .rejected(let reason) = pathChannel.signature.check(signature: request.header(XWebhookSignature.header), body: request.body) {
            return .reject(.signature(reason))
        }
        let payload: XAccountActivityPayload
        switch XAccountActivityPayload.parse(request.body) {
        case .success(let parsed): payload = parsed
        case .failure(let rejection): return .reject(rejection)
        }
        guard let forUser = payload.forUserID, !forUser.isEmpty else { return .reject(.malformed("for_user_id is required")) }
        guard let channel = forUser == pathChannel.accountID ? pathChannel : channelsByAccount[forUser],
            channel.consumerSecret == pathChannel.consumerSecret
        else {
            return .respond(Self.ignored("for_user_id \(forUser.prefix(32)) is not the account of a channel of this app"))
        }
        let messages: [XAccountActivityPayload.Message]
        switch payload.messages(ownAccount: forUser) {
        case .success(let found): messages = found
        case .failure(let rejection): return .reject(rejection)
        }
        // Typing indicators, read receipts, tweets, follows, our own echoed DMs.
        guard !messages.isEmpty else { return .respond(Self.ignored("no customer direct message in the events")) }
        return .store(messages.map { inbound($0, channel: channel, receivedAtMs: request.receivedAtMs) })
    }

    private func inbound(_ message: XAccountActivityPayload.Message, channel: Channel, receivedAtMs: Int64) -> InboundMessage {
        let displayName = message.senderName ?? message.senderScreenName
        var channelData = [
            "channel.id": channel.id, "channel.type": ChannelType.twitter.rawValue, "customer.address": message.senderID,
            "twitter.accountId": channel.accountID,
        ]
        channelData["customer.displayName"] = displayName
        channelData["twitter.screenName"] = message.senderScreenName
        return InboundMessage(
            channelInstanceID: channel.id, channelType: ChannelType.twitter.rawValue, providerMessageID: message.id,
            customerAddress: message.senderID, customerDisplayName: displayName, text: message.text,
            attachments: message.attachments, channelData: channelData, providerTimestampMs: message.createdMs,
            receivedAtMs: receivedAtMs)
    }

    public func answer(_ request: RawRequest, stored: [StoredMessage]) -> AdapterResponse {
        .json(.ok, [("status", .string("accepted"))])
    }

    static func ignored(_ reason: String) -> AdapterResponse {
        .json(.ok, [("status", .string("ignored")), ("reason", .string(reason))])
    }
}
