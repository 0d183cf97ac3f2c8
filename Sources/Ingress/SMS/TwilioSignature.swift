import SwitchboardCore

/// Twilio's webhook signature (channels.md):
/// `X-Twilio-Signature: Base64(HMAC-SHA1(auth token, URL + every POST parameter sorted by name, as name+value))`.
///
/// The URL is the one configured at Twilio, not the one this process sees behind a TLS
/// proxy, so it comes from the channel's `publicUrl`. Twilio's own validators also accept
/// the URL with the default port written out (`:443`/`:80`) or left out, since some of
/// Twilio's senders sign one form and some the other: both are tried.
public struct TwilioSignature: Sendable {
    public static let header = "X-Twilio-Signature"

    let authToken: [UInt8]
    /// The URL forms Twilio may have signed, the configured one first.
    let urls: [String]

    public init(authToken: [UInt8], publicURL: HTTPURL) {
        self.authToken = authToken
        urls = Self.urlForms(publicURL)
    }

    /// Checks the header against the decoded parameters of the body (every one of them).
    public func check(signature: String?, parameters: [FormURLEncoded.Field]) -> SignatureCheck {
        guard let signature, !signature.isEmpty else { return .rejected("missing \(Self.header) header") }
        let sorted = Self.sortedForSigning(parameters)
        for url in urls where HMACSignature.isValidBase64SHA1(signature, key: authToken, message: Self.signedBytes(url: url, sorted: sorted)) {
            return .valid
        }
        return .rejected("signature does not match")
    }

    /// The header value Twilio would send for `parameters` posted to `url` (tests, tools).
    public func sign(url: String, parameters: [FormURLEncoded.Field]) -> String {
        HMACSignature.base64SHA1(key: authToken, message: Self.signedBytes(url: url, sorted: Self.sortedForSigning(parameters)))
    }

    /// By name, then by value for repeated names, comparing UTF-8 bytes (never the locale).
    static func sortedForSigning(_ parameters: [FormURLEncoded.Field]) -> [FormURLEncoded.Field] {
        parameters.sorted { left, right in
            if left.name != right.name { return left.name.utf8.lexicographicallyPrecedes(right.name.utf8) }
            return left.value.utf8.lexicographicallyPrecedes(right.value.utf8)
        }
    }

    /// URL, then each name and value with no separators; empty values still add their name.
    static func signedBytes(url: String, sorted: [FormURLEncoded.Field]) -> [UInt8] {
        var bytes = Array(url.utf8)
        for field in sorted {
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(contentsOf: field.value.utf8)
        }
        return bytes
    }

    /// The configured URL, plus the same with the scheme's default port written out (when
    /// it has no port) or left out (when it has the default port). A non-default port is
    /// only ever signed as written.
    static func urlForms(_ url: HTTPURL) -> [String] {
        let defaultPort = url.scheme == "https" ? 443 : 80
        let text = url.string
        let afterScheme = text.index(text.startIndex, offsetBy: url.scheme.count + 3)
        let authorityEnd = text[afterScheme...].firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? text.endIndex
        let head = text[..<authorityEnd]
        let tail = text[authorityEnd...]
        switch url.port {
        case nil:
            return [text, head + ":\(defaultPort)" + tail]
        case defaultPort?:
            let suffix = ":\(defaultPort)"
            guard head.hasSuffix(suffix) else { return [text] }
            return [text, String(head.dropLast(suffix.count)) + tail]
        default:
            return [text]
        }
    }
}
