import Crypto
import Foundation

/// The outcome of checking a provider's signature on a request (channels.md). A rejection
/// carries a reason for the log and the 403 body; it never says what the right signature
/// would have been.
public enum SignatureCheck: Sendable, Equatable {
    case valid
    case rejected(String)

    public var isValid: Bool { self == .valid }
}

/// HMAC checks in the encodings providers use. Every comparison goes through swift-crypto's
/// `isValidAuthenticationCode`, which compares in constant time, so a forger learns nothing
/// from how long a rejection takes.
public enum HMACSignature {
    /// `expected` is lower- or upper-case hex (Meta, our custom channel).
    public static func isValidHexSHA256(_ expected: some StringProtocol, key: [UInt8], message: some DataProtocol) -> Bool {
        guard let code = bytes(fromHex: expected), code.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: message, using: SymmetricKey(data: key))
    }

    /// `expected` is standard Base64 (X).
    public static func isValidBase64SHA256(_ expected: some StringProtocol, key: [UInt8], message: some DataProtocol) -> Bool {
        guard let code = Data(base64Encoded: String(expected)), code.count == SHA256.byteCount else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(code, authenticating: message, using: SymmetricKey(data: key))
    }

    /// `expected` is standard Base64 of HMAC-SHA1 (Twilio).
    public static func isValidBase64SHA1(_ expected: some StringProtocol, key: [UInt8], message: some DataProtocol) -> Bool {
        guard let code = Data(base64Encoded: String(expected)), code.count == Insecure.SHA1.byteCount else { return false }
        return HMAC<Insecure.SHA1>.isValidAuthenticationCode(code, authenticating: message, using: SymmetricKey(data: key))
    }

    /// Lower-case hex of HMAC-SHA256: what a sender (or a test, or `switchboard demo`) signs with.
    public static func hexSHA256(key: [UInt8], message: some DataProtocol) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        // By hand: `String(format:)` per byte was about 3 % of the bench's load generator.
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(SHA256.byteCount * 2)
        for byte in code {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// Standard Base64 of HMAC-SHA256: X's CRC answer, and what a test signs X's webhooks with.
    public static func base64SHA256(key: [UInt8], message: some DataProtocol) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))).base64EncodedString()
    }

    /// Standard Base64 of HMAC-SHA1: Twilio's signature, for tests and tools that sign like Twilio.
    public static func base64SHA1(key: [UInt8], message: some DataProtocol) -> String {
        Data(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: key))).base64EncodedString()
    }

    static func bytes(fromHex hex: some StringProtocol) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
