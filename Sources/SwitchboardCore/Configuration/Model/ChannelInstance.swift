/// One concrete entry point of a channel type (spec C2): a chat widget, an SMS number, a page...
public struct ChannelInstance: Sendable, Hashable {
    public let id: String
    /// The work stream its conversations inherit (a channel always has one).
    public let workStream: String
    /// Provider identifiers and secret references; the case fixes the channel type.
    public let provider: ChannelProviderSettings

    public init(id: String, workStream: String, provider: ChannelProviderSettings) {
        self.id = id
        self.workStream = workStream
        self.provider = provider
    }

    public var type: ChannelType { provider.channelType }
}
