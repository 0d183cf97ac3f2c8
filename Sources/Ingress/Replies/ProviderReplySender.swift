import SwitchboardCore
import Wire

/// Sends one agent reply to the customer with the provider's API (M1).
public protocol ProviderReplySender: Sendable {
    var channelType: SwitchboardCore.ChannelType { get }
    /// `replyID` is the AgentReply's Wire id: the idempotency key where the provider has one.
    func send(_ reply: AgentReply, replyID: MessageID) async -> ProviderSendOutcome
}

public enum ProviderSendOutcome: Sendable, Equatable {
    /// Accepted by the provider; its id for the sent message.
    case sent(providerMessageID: String)
    /// Try again later (network error, 429, 5xx).
    case retryable(reason: String)
    /// Never going to work (4xx other than 408/429, unknown channel): give up and report.
    case permanent(reason: String)
}
