/// Channel-data variables that every conversation carries without being declared (spec W2).
///
/// Rules may reference them like declared context variables. Their names are dotted, and
/// declared names cannot contain dots, so the two sets never collide. All are text.
/// docs/configuration.md lists which provider field fills each one.
public enum ChannelDataVariables {
    /// Variables present on every channel type; the router fills them from the
    /// InboundMessage's own fields (`values(...)`).
    public static let common: [String] = [
        "channel.id", "channel.type", "customer.address", "customer.displayName", "customer.locale",
    ]

    /// Variables specific to one channel type; the adapter puts them in the message's
    /// channel data, only when the provider gives a value.
    public static func specific(to type: ChannelType) -> [String] {
        switch type {
        case .chat: ["chat.pageUrl", "chat.origin"]
        case .sms: ["sms.to", "sms.fromCountry", "sms.fromState", "sms.fromCity"]
        case .facebook: ["facebook.pageId"]
        case .whatsapp: ["whatsapp.phoneNumberId", "whatsapp.displayPhoneNumber", "whatsapp.userId"]
        case .twitter: ["twitter.accountId", "twitter.screenName"]
        case .custom: []  // custom context goes in the message's context instead
        }
    }

    /// All channel-data variables available on a channel type, common ones first.
    public static func names(for type: ChannelType) -> [String] {
        common + specific(to: type)
    }

    /// The type of a channel-data variable on this channel type, or nil if it is not one.
    public static func type(of name: String, on channelType: ChannelType) -> ContextVariableType? {
        names(for: channelType).contains(name) ? .text : nil
    }
}
