import SwitchboardCore

/// The secrets of this adapter's channels, read from the environment once at start.
/// A variable that is unset or empty is a start-up error naming the variable and the channel,
/// so a misconfigured adapter never runs answering 403 to everything.
public struct ChannelSecrets: Sendable {
    private let byChannel: [String: [UInt8]]

    public init(byChannel: [String: [UInt8]]) {
        self.byChannel = byChannel
    }

    /// Resolves the shared secret of every `custom` channel instance.
    public static func custom(
        _ configuration: SwitchboardConfiguration, environment: [String: String]
    ) throws(IngressError) -> ChannelSecrets {
        var secrets: [String: [UInt8]] = [:]
        for channel in configuration.channels {
            guard case .custom(let settings) = channel.provider else { continue }
            secrets[channel.id] = try settings.sharedSecret.resolve(in: environment, field: "sharedSecret", channel: channel.id)
        }
        return ChannelSecrets(byChannel: secrets)
    }

    public func secret(forChannel id: String) -> [UInt8]? { byChannel[id] }
}
