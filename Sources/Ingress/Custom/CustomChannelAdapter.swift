import Foundation
import Hummingbird
import SwitchboardCore
import Wire

/// Our own custom channel (docs/channels/custom.md): signed JSON, answered 202.
public struct CustomChannelAdapter: ChannelAdapter {
    public static let maximumBodyBytes = 1 << 20

    private let channels: [String: CustomChannelSignature]
    private let now: @Sendable () -> Date

    /// `secrets` holds each custom channel's resolved shared secret (see `ChannelSecrets`).
    public init(configuration: SwitchboardConfiguration, secrets: ChannelSecrets, now: @escaping @Sendable () -> Date = { Date() }) {
        var channels: [String: CustomChannelSignature] = [:]
        for channel in configuration.channels where channel.type == .custom {
            guard let secret = secrets.secret(forChannel: channel.id) else { continue }
            channels[channel.id] = CustomChannelSignature(secret: secret)
        }
        self.channels = channels
        self.now = now
    }

    /// Reads every custom channel's shared secret from `environment`; a missing one is an
    /// error naming the variable and the channel.
    public init(configuration: SwitchboardConfiguration, environment: [String: String]) throws(IngressError) {
        self.init(configuration: configuration, secrets: try ChannelSecrets.custom(configuration, environment: environment))
    }

    public var channelType: ChannelType { .custom }

    public var routes: [AdapterRoute] {
        [AdapterRoute(method: .post, path: "/channels/custom/:channelId/messages", maximumBodyBytes: Self.maximumBodyBytes)]
    }

    public func receive(_ request: RawRequest) async -> AdapterVerdict {
        let channelID = request.parameters["channelId"] ?? ""
        guard let signature = channels[channelID] else {
            return .reject(IngressRejection(.unknownChannel, "no custom channel \"\(channelID.prefix(64))\""))
        }
        guard request.hasMediaType("application/json") else {
            return .reject(IngressRejection(.unsupportedMediaType, "Content-Type must be application/json"))
        }
        // The signature covers the raw bytes: checked before anything is parsed.
        let check = signature.check(
            signature: request.header(CustomChannelSignature.signatureHeader),
            timestamp: request.header(CustomChannelSignature.timestampHeader),
            body: request.body, now: now())
        if case .rejected(let reason) = check { return .reject(.signature(reason)) }

        let payload: CustomMessagePayload
        switch CustomMessagePayload.parse(request.body) {
        case .success(let parsed): payload = parsed
        case .failure(let failure): return .reject(.malformed(failure.reason))
        }
        var channelData = [
            "channel.id": channelID,
            "channel.type": ChannelType.custom.rawValue,
            "customer.address": payload.customerID,
        ]
        if let displayName = payload.displayName { channelData["customer.displayName"] = displayName }
        let message = InboundMessage(
            channelInstanceID: channelID, channelType: ChannelType.custom.rawValue, providerMessageID: payload.messageID,
            customerAddress: payload.customerID, customerDisplayName: payload.displayName, text: payload.text,
            attachments: payload.attachments, context: payload.context, channelData: channelData, locale: payload.locale,
            providerTimestampMs: payload.sentAtMs, receivedAtMs: request.receivedAtMs)
        return .store([message])
    }

    public func answer(_ request: RawRequest, stored: [StoredMessage]) -> AdapterResponse {
        let message = stored.first
        return .json(.accepted, [
            ("status", .string("accepted")),
            ("messageId", .string(message?.providerMessageID ?? "")),
            ("duplicate", .bool(message?.duplicate ?? false)),
        ])
    }
}
