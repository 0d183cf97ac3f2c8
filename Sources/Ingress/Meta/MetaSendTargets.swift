import SwitchboardCore
import Wire

/// Where, and with which token, each Meta channel of one type sends agent replies, and the
/// checks every reply passes before anything is sent (M1).
struct MetaSendTargets: Sendable {
    struct Target: Sendable {
        let accessToken: [UInt8]
        /// `{apiBaseUrl}/v19.0/{page id or phone number id}/messages`.
        let messagesURL: String
    }

    enum Preparation {
        case send(Target, text: String)
        /// Never going to work: the outcome says why.
        case refuse(ProviderSendOutcome)
    }

    let channelType: ChannelType
    private let byChannel: [String: Target]

    init(channelType: ChannelType, configuration: SwitchboardConfiguration, secrets: MetaChannelSecrets) {
        var byChannel: [String: Target] = [:]
        for channel in configuration.channels where channel.type == channelType {
            guard let secret = secrets.secrets(forChannel: channel.id), let providerID = channel.provider.providerIdentifier,
                let apiBaseURL = Self.apiBaseURL(of: channel.provider)
            else { continue }
            byChannel[channel.id] = Target(
                accessToken: secret.accessToken, messagesURL: MetaGraphAPI.url(apiBaseURL, "\(providerID)/messages"))
        }
        self.channelType = channelType
        self.byChannel = byChannel
    }

    /// The target and text of `reply`; `addressName` names the customer address in a refusal.
    func prepare(_ reply: AgentReply, addressName: String) -> Preparation {
        guard let target = byChannel[reply.channelInstanceID] else {
            return .refuse(.permanent(reason: "no \(channelType.rawValue) channel \"\(reply.channelInstanceID)\" is configured"))
        }
        guard !reply.customerAddress.isEmpty else {
            return .refuse(.permanent(reason: "the reply has no customer address (\(addressName))"))
        }
        guard let text = Self.text(of: reply) else { return .refuse(.permanent(reason: "the reply has no text and no attachment")) }
        return .send(target, text: text)
    }

    /// Replies go as one text message (one provider id, one outcome, no half-sent reply to
    /// retry): attachment URLs, which Meta would send as separate messages, become lines.
    static func text(of reply: AgentReply) -> String? {
        let lines = [reply.text] + reply.attachments.map(\.url)
        let text = lines.filter { !$0.isEmpty }.joined(separator: "\n")
        return text.isEmpty ? nil : text
    }

    private static func apiBaseURL(of provider: ChannelProviderSettings) -> HTTPURL? {
        switch provider {
        case .facebook(let settings): settings.apiBaseUrl
        case .whatsapp(let settings): settings.apiBaseUrl
        default: nil
        }
    }
}
