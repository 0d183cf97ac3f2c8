/// Meta's webhook signature, the same for Messenger and WhatsApp (channels.md):
/// `X-Hub-Signature-256: sha256=<lower-hex HMAC-SHA256(app secret, raw body)>`.
///
/// Always over the raw bytes as received: Meta escapes non-ASCII as `\uXXXX`, so a body
/// decoded and re-serialized would hash differently.
public enum MetaSignature {
    public static let header = "X-Hub-Signature-256"
    static let prefix = "sha256="

    /// Checks the header's value against `body` signed with `secret`.
    public static func check(_ value: String?, body: [UInt8], secret: [UInt8]) -> SignatureCheck {
        switch parse(value) {
        case .failure(let rejection): .rejected(rejection.reason)
        case .success(let hex):
            HMACSignature.isValidHexSHA256(hex, key: secret, message: body) ? .valid : .rejected("signature does not match")
        }
    }

    /// The hex part of the header, or why there is none.
    static func parse(_ value: String?) -> Result<Substring, IngressRejection> {
        guard let value, !value.isEmpty else { return .failure(.signature("missing \(header) header")) }
        guard value.hasPrefix(prefix) else { return .failure(.signature("\(header) must start with \(prefix)")) }
        return .success(value.dropFirst(prefix.count))
    }

    /// The header value Meta would send with `body` (tests, local tools).
    public static func sign(body: [UInt8], secret: [UInt8]) -> String {
        prefix + HMACSignature.hexSHA256(key: secret, message: body)
    }
}
