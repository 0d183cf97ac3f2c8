import Foundation
import Hummingbird
import SwitchboardCore
import Wire

/// Twilio Programmable Messaging webhooks (docs/channels/sms.md): a signed form POST per
/// incoming SMS/MMS, answered with empty TwiML.
///
/// The channel is the one whose `phoneNumber` is the message's `To`: one webhook URL can
/// serve every number, and the last path segment (`/channels/sms/twilio` in the shipped
/// configuration) is not a lookup key. What Twilio signs is the channel's configured
/// `publicUrl`, whatever path or host this process sees behind a proxy.
public struct SMSChannelAdapter: ChannelAdapter {
    /// Twilio's webhooks are a few KiB (1600 characters of body, 10 media URLs).
    public static let maximumBodyBytes = 128 << 10
    /// Empty TwiML: "received, nothing to send back" (the agent answers later).
    public static let emptyTwiML = #"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#

    struct Channel: Sendable {
        let id: String
        let signature: TwilioSignature
    }

    /// By our number (E.164), unique per channel type (configuration validation).
    private let channelsByNumber: [String: Channel]

    /// `authTokens` holds each SMS channel's resolved auth token (`ChannelSecrets.smsAuthTokens`).
    public init(configuration: SwitchboardConfiguration, authTokens: ChannelSecrets) {
        var channels: [String: Channel] = [:]
        for channel in configuration.channels {
            guard case .sms(let settings) = channel.provider, let token = authTokens.secret(forChannel: channel.id) else { continue }
            channels[settings.phoneNumber] = Channel(
                id: channel.id, signature: TwilioSignature(authToken: token, publicURL: settings.publicUrl))
        }
        channelsByNumber = channels
    }

    /// Reads every SMS channel's auth token from `environment`; a missing one is an error
    /// naming the variable and the channel.
    public init(configuration: SwitchboardConfiguration, environment: [String: String]) throws(IngressError) {
        self.init(configuration: configuration, authTokens: try ChannelSecrets.smsAuthTokens(configuration, environment: environment))
    }

    public var channelType: ChannelType { .sms }

    public var routes: [AdapterRoute] {
        [AdapterRoute(method: .post, path: "/channels/sms/:channelId", maximumBodyBytes: Self.maximumBodyBytes)]
    }

    public func receive(_ request: RawRequest) async -> AdapterVerdict {
        guard request.hasMediaType("application/x-www-form-urlencoded") else {
            return .reject(IngressRejection(.unsupportedMediaType, "Content-Type must be application/x-www-form-urlencoded"))
        }
        let signature = request.header(TwilioSignature.header)
        guard let signature, !signature.isEmpty else { return .reject(.signature("missing \(TwilioSignature.header) header")) }
        // Twilio signs the decoded parameters, so decoding comes first; nothing is read
        // from them but `To` (which channel's token checks the signature) until it matches.
        let fields: [FormURLEncoded.Field]
        switch FormURLEncoded.decode(request.body) {
        case .success(let decoded): fields = decoded
        case .failure(let failure): return .reject(.malformed(failure.reason))
        }
        guard let to = TwilioInboundMessage.recipient(fields), !to.isEmpty else { return .reject(.malformed("To is required")) }
        guard let channel = channelsByNumber[to] else {
            return .reject(IngressRejection(.unknownChannel, "no sms channel has the number \"\(to.prefix(32))\""))
        }
        if case .rejected(let reason) = channel.signature.check(signature: signature, parameters: fields) {
            return .reject(.signature(reason))
        }

        let sms: TwilioInboundMessage
        switch TwilioInboundMessage.parse(fields) {
        case .success(let parsed): sms = parsed
        case .failure(let rejection): return .reject(rejection)
        }
        var channelData = [
            "channel.id": channel.id, "channel.type": ChannelType.sms.rawValue, "customer.address": sms.from, "sms.to": sms.to,
        ]
        channelData["sms.fromCountry"] = sms.fromCountry
        channelData["sms.fromState"] = sms.fromState
        channelData["sms.fromCity"] = sms.fromCity
        return .store([InboundMessage(
            channelInstanceID: channel.id, channelType: ChannelType.sms.rawValue, providerMessageID: sms.messageSid,
            customerAddress: sms.from, text: sms.body, attachments: sms.media, channelData: channelData,
            receivedAtMs: request.receivedAtMs)])
    }

    /// The same TwiML for a new message and a duplicate: Twilio only needs to stop retrying.
    public func answer(_ request: RawRequest, stored: [StoredMessage]) -> AdapterResponse {
        AdapterResponse(status: .ok, contentType: "text/xml", body: Array(Self.emptyTwiML.utf8))
    }
}
