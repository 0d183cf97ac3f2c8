import SwitchboardCore

/// The three secrets of each Messenger page or WhatsApp number, read from the environment
/// once at start; a missing one stops the start naming the variable and the channel.
public struct MetaChannelSecrets: Sendable {
    public struct Channel: Sendable {
        /// Signs the webhooks (X-Hub-Signature-256).
        public let appSecret: [UInt8]
        /// Echoed by Meta in the subscription handshake (`hub.verify_token`).
        public let verifyToken: [UInt8]
        /// Page access token (Messenger) or system-user token (WhatsApp) for sending replies.
        public let accessToken: [UInt8]

        public init(appSecret: [UInt8], verifyToken: [UInt8], accessToken: [UInt8]) {
            self.appSecret = appSecret
            self.verifyToken = verifyToken
            self.accessToken = accessToken
        }
    }

    private let byChannel: [String: Channel]

    public init(byChannel: [String: Channel]) {
        self.byChannel = byChannel
    }

    public func secrets(forChannel id: String) -> Channel? { byChannel[id] }

    /// Every `facebook` channel's `appSecret`, `verifyToken` and `pageAccessToken`.
    public static func facebook(_ configuration: SwitchboardConfiguration, environment: [String: String]) throws(IngressError) -> Self {
        var secrets: [String: Channel] = [:]
        for channel in configuration.channels {
            guard case .facebook(let settings) = channel.provider else { continue }
            secrets[channel.id] = Channel(
                appSecret: try settings.appSecret.resolve(in: environment, field: "appSecret", channel: channel.id),
                verifyToken: try settings.verifyToken.resolve(in: environment, field: "verifyToken", channel: channel.id),
                accessToken: try settings.pageAccessToken.resolve(in: environment, field: "pageAccessToken", channel: channel.id))
        }
        return Self(byChannel: secrets)
    }

    /// Every `whatsapp` channel's `appSecret`, `verifyToken` and `accessToken`.
    public static func whatsapp(_ configuration: SwitchboardConfiguration, environment: [String: String]) throws(IngressError) -> Self {
        var secrets: [String: Channel] = [:]
        for channel in configuration.channels {
            guard case .whatsapp(let settings) = channel.provider else { continue }
            secrets[channel.id] = Channel(
                appSecret: try settings.appSecret.resolve(in: environment, field: "appSecret", channel: channel.id),
                verifyToken: try settings.verifyToken.resolve(in: environment, field: "verifyToken", channel: channel.id),
                accessToken: try settings.accessToken.resolve(in: environment, field: "accessToken", channel: channel.id))
        }
        return Self(byChannel: secrets)
    }
}
