import SwitchboardCore

/// One secret of every channel of a type (a custom channel's shared secret, an SMS
/// channel's auth token, ...), read from the environment once at start.
/// A variable that is unset or empty is a start-up error naming the variable and the channel,
/// so a misconfigured adapter never runs answering 403 to everything.
public struct ChannelSecrets: Sendable {
    private let byChannel: [String: [UInt8]]

    public init(byChannel: [String: [UInt8]]) {
        self.byChannel = byChannel
    }

    /// Resolves, for every channel where `pick` names one, the secret reference it names.
    /// `pick` answers the configuration field (for the error message) and the reference.
    public static func resolve(
        _ configuration: SwitchboardConfiguration, environment: [String: String],
        _ pick: (ChannelProviderSettings) -> (field: String, reference: SecretReference)?
    ) throws(IngressError) -> ChannelSecrets {
        var secrets: [String: [UInt8]] = [:]
        for channel in configuration.channels {
            guard let (field, reference) = pick(channel.provider) else { continue }
            secrets[channel.id] = try reference.resolve(in: environment, field: field, channel: channel.id)
        }
        return ChannelSecrets(byChannel: secrets)
    }

    /// The shared secret of every `custom` channel instance.
    public static func custom(
        _ configuration: SwitchboardConfiguration, environment: [String: String]
    ) throws(IngressError) -> ChannelSecrets {
        try resolve(configuration, environment: environment) { provider in
            guard case .custom(let settings) = provider else { return nil }
            return ("sharedSecret", settings.sharedSecret)
        }
    }

    /// The auth token of every `sms` channel: Twilio signs webhooks and authenticates API calls with it.
    public static func smsAuthTokens(
        _ configuration: SwitchboardConfiguration, environment: [String: String]
    ) throws(IngressError) -> ChannelSecrets {
        try resolve(configuration, environment: environment) { provider in
            guard case .sms(let settings) = provider else { return nil }
            return ("authToken", settings.authToken)
        }
    }

    /// The consumer secret of every `twitter` channel: X signs CRC answers and webhooks with it.
    public static func twitterConsumerSecrets(
        _ configuration: SwitchboardConfiguration, environment: [String: String]
    ) throws(IngressError) -> ChannelSecrets {
        try resolve(configuration, environment: environment) { provider in
            guard case .twitter(let settings) = provider else { return nil }
            return ("consumerSecret", settings.consumerSecret)
        }
    }

    /// The user access token of every `twitter` channel: the DM API's bearer token.
    public static func twitterAccessTokens(
        _ configuration: SwitchboardConfiguration, environment: [String: String]
    ) throws(IngressError) -> ChannelSecrets {
        try resolve(configuration, environment: environment) { provider in
            guard case .twitter(let settings) = provider else { return nil }
            return ("accessToken", settings.accessToken)
        }
    }

    public func secret(forChannel id: String) -> [UInt8]? { byChannel[id] }
}
