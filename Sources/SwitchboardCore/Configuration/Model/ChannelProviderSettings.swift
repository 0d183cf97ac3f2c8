/// The provider identifiers and secrets of a channel instance, one case per channel type
/// (spec C2, channels.md). Secrets are references to environment variables only.
public enum ChannelProviderSettings: Sendable, Hashable {
    case chat(ChatChannelSettings)
    case sms(SMSChannelSettings)
    case facebook(FacebookChannelSettings)
    case whatsapp(WhatsAppChannelSettings)
    case twitter(TwitterChannelSettings)
    case custom(CustomChannelSettings)

    public var channelType: ChannelType {
        switch self {
        case .chat: .chat
        case .sms: .sms
        case .facebook: .facebook
        case .whatsapp: .whatsapp
        case .twitter: .twitter
        case .custom: .custom
        }
    }

    /// The provider's identifier of this entry point, unique per channel type (nil for chat and custom).
    public var providerIdentifier: String? {
        switch self {
        case .chat, .custom: nil
        case .sms(let settings): settings.phoneNumber
        case .facebook(let settings): settings.pageId
        case .whatsapp(let settings): settings.phoneNumberId
        case .twitter(let settings): settings.accountId
        }
    }
}

/// Live chat widget (served by ingress-chat).
public struct ChatChannelSettings: Sendable, Hashable {
    /// Title shown in the widget header; the channel id when not set.
    public let title: String?
    /// Origins (scheme://host[:port]) allowed to embed the widget; empty: only ingress-chat's own pages.
    public let allowedOrigins: [HTTPURL]

    public init(title: String?, allowedOrigins: [HTTPURL]) {
        self.title = title
        self.allowedOrigins = allowedOrigins
    }
}

/// Twilio SMS number.
public struct SMSChannelSettings: Sendable, Hashable {
    public static let defaultAPIBaseURL = HTTPURL(validated: "https://api.twilio.com", scheme: "https", host: "api.twilio.com", port: nil)

    /// Our number, E.164.
    public let phoneNumber: String
    /// Twilio account SID (`AC` + 32 hex digits).
    public let accountSid: String
    public let authToken: SecretReference
    /// The webhook URL as configured at Twilio: signatures are computed over it.
    public let publicUrl: HTTPURL
    public let apiBaseUrl: HTTPURL

    public init(phoneNumber: String, accountSid: String, authToken: SecretReference, publicUrl: HTTPURL, apiBaseUrl: HTTPURL) {
        self.phoneNumber = phoneNumber
        self.accountSid = accountSid
        self.authToken = authToken
        self.publicUrl = publicUrl
        self.apiBaseUrl = apiBaseUrl
    }
}

/// Facebook Messenger page.
public struct FacebookChannelSettings: Sendable, Hashable {
    public static let defaultAPIBaseURL = HTTPURL(validated: "https://graph.facebook.com", scheme: "https", host: "graph.facebook.com", port: nil)

    public let pageId: String
    public let appSecret: SecretReference
    public let verifyToken: SecretReference
    public let pageAccessToken: SecretReference
    public let apiBaseUrl: HTTPURL

    public init(pageId: String, appSecret: SecretReference, verifyToken: SecretReference, pageAccessToken: SecretReference, apiBaseUrl: HTTPURL) {
        self.pageId = pageId
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.pageAccessToken = pageAccessToken
        self.apiBaseUrl = apiBaseUrl
    }
}

/// WhatsApp Cloud API phone number.
public struct WhatsAppChannelSettings: Sendable, Hashable {
    public static let defaultAPIBaseURL = FacebookChannelSettings.defaultAPIBaseURL

    public let phoneNumberId: String
    public let appSecret: SecretReference
    public let verifyToken: SecretReference
    public let accessToken: SecretReference
    public let apiBaseUrl: HTTPURL

    public init(phoneNumberId: String, appSecret: SecretReference, verifyToken: SecretReference, accessToken: SecretReference, apiBaseUrl: HTTPURL) {
        self.phoneNumberId = phoneNumberId
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.accessToken = accessToken
        self.apiBaseUrl = apiBaseUrl
    }
}

/// X (Twitter) account, Account Activity API.
public struct TwitterChannelSettings: Sendable, Hashable {
    public static let defaultAPIBaseURL = HTTPURL(validated: "https://api.twitter.com", scheme: "https", host: "api.twitter.com", port: nil)

    /// Our numeric user id: events sent by it are our own echoes.
    public let accountId: String
    public let consumerSecret: SecretReference
    public let accessToken: SecretReference
    public let apiBaseUrl: HTTPURL

    public init(accountId: String, consumerSecret: SecretReference, accessToken: SecretReference, apiBaseUrl: HTTPURL) {
        self.accountId = accountId
        self.consumerSecret = consumerSecret
        self.accessToken = accessToken
        self.apiBaseUrl = apiBaseUrl
    }
}

/// Custom channel speaking Switchboard's own signed JSON shape.
public struct CustomChannelSettings: Sendable, Hashable {
    public let sharedSecret: SecretReference
    /// Where agent replies are POSTed.
    public let callbackUrl: HTTPURL

    public init(sharedSecret: SecretReference, callbackUrl: HTTPURL) {
        self.sharedSecret = sharedSecret
        self.callbackUrl = callbackUrl
    }
}
