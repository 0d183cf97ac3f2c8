import Foundation

/// The signature of our own custom channel (channels.md):
/// `X-Switchboard-Signature: sha256=<hex HMAC-SHA256(secret, timestamp + "." + raw body)>`
/// with `X-Switchboard-Timestamp` (Unix seconds) no further than `tolerance` from now.
///
/// Signing the timestamp with the body is the replay guard: a captured request cannot be
/// sent again after the tolerance, and its timestamp cannot be refreshed without the secret.
/// Within the tolerance a replay carries the same `messageId` and is deduplicated (R3).
public struct CustomChannelSignature: Sendable {
    public static let signatureHeader = "X-Switchboard-Signature"
    public static let timestampHeader = "X-Switchboard-Timestamp"
    public static let defaultTolerance: Duration = .seconds(300)

    public let secret: [UInt8]
    public let tolerance: Duration

    public init(secret: [UInt8], tolerance: Duration = CustomChannelSignature.defaultTolerance) {
        self.secret = secret
        self.tolerance = tolerance
    }

    /// Checks a request's headers against its raw body, before the body is parsed.
    public func check(signature: String?, timestamp: String?, body: some Collection<UInt8>, now: Date) -> SignatureCheck {
        guard let timestamp, !timestamp.isEmpty else { return .rejected("missing \(Self.timestampHeader) header") }
        guard let signature, !signature.isEmpty else { return .rejected("missing \(Self.signatureHeader) header") }
        guard let seconds = Int64(timestamp), seconds > 0 else {
            return .rejected("\(Self.timestampHeader) must be Unix seconds, got \"\(timestamp.prefix(32))\"")
        }
        let skew = abs(now.timeIntervalSince1970 - Double(seconds))
        guard skew <= Double(tolerance.components.seconds) else {
            return .rejected("\(Self.timestampHeader) is \(Int(skew)) s away from now (more than \(tolerance.components.seconds) s): stale or replayed")
        }
        guard signature.hasPrefix("sha256=") else { return .rejected("\(Self.signatureHeader) must start with sha256=") }
        let signed = Self.signedBytes(timestamp: timestamp, body: body)
        guard HMACSignature.isValidHexSHA256(signature.dropFirst("sha256=".count), key: secret, message: signed) else {
            return .rejected("signature does not match")
        }
        return .valid
    }

    /// The headers a sender puts on `body` at `now` (used by the demo, the load tool and tests).
    public func sign(body: some Collection<UInt8>, now: Date) -> (timestamp: String, signature: String) {
        let timestamp = String(Int64(now.timeIntervalSince1970))
        return (timestamp, "sha256=" + HMACSignature.hexSHA256(key: secret, message: Self.signedBytes(timestamp: timestamp, body: body)))
    }

    private static func signedBytes(timestamp: String, body: some Collection<UInt8>) -> [UInt8] {
        var signed = Array(timestamp.utf8)
        signed.append(UInt8(ascii: "."))
        signed.append(contentsOf: body)
        return signed
    }
}
