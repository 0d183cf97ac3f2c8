/// Channel-data variables that every conversation carries without being declared (spec W2).
///
/// Rules may reference them like declared context variables. Their names are dotted, and
/// declared names cannot contain dots, so the two sets never collide. All are text.
public enum ChannelDataVariables {
    /// Variables present on every channel type.
    public static let common: [String] = ["channel.id", "channel.type", "customer.address", "customer.displayName"]

    /// Variables specific to one channel type.
    public static func specific(to type: ChannelType) -> [String] {
        switch type {
        case .chat: ["chat.locale", "chat.pageUrl"]
        case .sms: ["sms.to", "sms.fromCountry"]
        case .facebook: ["facebook.pageId"]
        case .whatsapp: ["whatsapp.phoneNumberId"]
        case .twitter: ["twitter.accountId"]
        case .custom: []
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
