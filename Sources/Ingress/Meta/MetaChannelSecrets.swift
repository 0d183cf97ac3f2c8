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
        try resolve(configuration, environment: environment) { provider in
            guard case .facebook(let settings) = provider else { return nil }
            return (settings.appSecret, settings.verifyToken, ("pageAccessToken", settings.pageAccessToken))
        }
    }

    /// Every `whatsapp` channel's `appSecret`, `verifyToken` and `accessToken`.
    public static func whatsapp(_ configuration: SwitchboardConfiguration, environment: [String: String]) throws(IngressError) -> Self {
        try resolve(configuration, environment: environment) { provider in
            guard case .whatsapp(let settings) = provider else { return nil }
            return (settings.appSecret, settings.verifyToken, ("accessToken", settings.accessToken))
        }
    }

    private typealias References = (appSecret: SecretReference, verifyToken: SecretReference, access: (field: String, reference: SecretReference))

    private static func resolve(
        _ configuration: SwitchboardConfiguration, environment: [String: String],
        references: (ChannelProviderSettings) -> References?
    ) throws(IngressError) -> Self {
        var secrets: [String: Channel] = [:]
        for channel in configuration.channels {
            guard let references = references(channel.provider) else { continue }
            secrets[channel.id] = Channel(
                appSecret: try references.appSecret.resolve(in: environment, field: "appSecret", channel: channel.id),
                verifyToken: try references.verifyToken.resolve(in: environment, field: "verifyToken", channel: channel.id),
                accessToken: try references.access.reference.resolve(in: environment, field: references.access.field, channel: channel.id))
        }
        return Self(byChannel: secrets)
    }
}
