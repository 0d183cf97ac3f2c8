/// X's Account Activity signatures (channels.md), both keyed with the app's consumer secret:
/// - the CRC answer `sha256=<Base64(HMAC-SHA256(consumer secret, crc_token))>`, which
///   proves to X that we hold the secret;
/// - `x-twitter-webhooks-signature: sha256=<Base64(HMAC-SHA256(consumer secret, raw body))>`
///   on every POST. Base64, where Meta's is hex.
public struct XWebhookSignature: Sendable {
    public static let header = "x-twitter-webhooks-signature"
    static let prefix = "sha256="

    let consumerSecret: [UInt8]

    public init(consumerSecret: [UInt8]) {
        self.consumerSecret = consumerSecret
    }

    /// The `response_token` of a CRC answer.
    public func crcResponseToken(crcToken: String) -> String {
        Self.prefix + HMACSignature.base64SHA256(key: consumerSecret, message: Array(crcToken.utf8))
    }

    /// Checks a POST's header against its raw body, before the body is parsed.
    public func check(signature: String?, body: some Collection<UInt8>) -> SignatureCheck {
        guard let signature, !signature.isEmpty else { return .rejected("missing \(Self.header) header") }
        guard signature.hasPrefix(Self.prefix) else { return .rejected("\(Self.header) must start with \(Self.prefix)") }
        guard HMACSignature.isValidBase64SHA256(signature.dropFirst(Self.prefix.count), key: consumerSecret, message: Array(body)) else {
            return .rejected("signature does not match")
        }
        return .valid
    }

    /// The header value X would send with `body` (tests, tools).
    public func sign(body: some Collection<UInt8>) -> String {
        Self.prefix + HMACSignature.base64SHA256(key: consumerSecret, message: Array(body))
    }
}
