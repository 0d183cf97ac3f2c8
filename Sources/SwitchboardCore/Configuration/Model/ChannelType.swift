/// The channel types Switchboard supports today (spec C1).
public enum ChannelType: String, Sendable, Hashable, CaseIterable, ConfigurationEnum {
    case chat, sms, facebook, whatsapp, twitter, custom

    /// Channel types of spec C1 that are announced but not implemented yet.
    public static let notYetSupported: Set<String> = ["wechat", "line", "teams", "records"]

    /// The stream type that decides per-type defaults and rules (C1, W1).
    public var streamType: StreamType {
        switch self {
        case .chat: .chat
        case .sms: .sms
        case .facebook, .whatsapp, .twitter: .social
        case .custom: .custom
        }
    }
}

/// The stream type of a channel type (spec C1): live chat, SMS, social or custom.
public enum StreamType: String, Sendable, Hashable, CaseIterable {
    case chat, sms, social, custom

    /// Whether conversations are asynchronous (they go quiet instead of ending).
    public var isAsynchronous: Bool { self != .chat }

    /// Agent affinity defaults to on for SMS and social streams (W1, seed "Agent affinity").
    public var defaultAgentAffinity: Bool { self == .sms || self == .social }
}
