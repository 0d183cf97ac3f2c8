import Crypto
import Foundation

/// The anonymous visitor token of live chat (docs/channels/chat.md): 32 random bytes,
/// base64url without padding (43 characters), made by the server on a visitor's first
/// connection and kept by the page in localStorage. It is a bearer secret: whoever holds it
/// is that visitor. It is therefore never stored or forwarded as is; the visitor's `key` (its
/// SHA-256, hex) is what the outbox, the router and the agents see as `customer.address`.
public struct VisitorToken: Sendable, Hashable {
    public static let byteCount = 32
    /// base64url of 32 bytes, unpadded.
    public static let textLength = 43

    public let text: String

    /// Accepts exactly the shape the server hands out; anything else is nil.
    public init?(_ text: String) {
        guard text.utf8.count == Self.textLength, text.utf8.allSatisfy(Self.isBase64URL),
            let bytes = Self.decode(text), bytes.count == Self.byteCount
        else { return nil }
        self.text = text
    }

    private init(validated text: String) {
        self.text = text
    }

    /// A fresh token from the system's secure random source.
    public static func random() -> VisitorToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return VisitorToken(validated: encode(bytes))
    }

    /// The visitor's stable, non-secret identity: hex SHA-256 of the token text.
    public var key: String {
        SHA256.hash(data: Array(text.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// A-Z a-z 0-9 - _ (also the alphabet of the page's message ids).
    static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }

    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func decode(_ text: String) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return Data(base64Encoded: standard).map(Array.init)
    }
}
