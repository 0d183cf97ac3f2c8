import Foundation
import HTTPTypes

extension RawRequest {
    /// Whether `Content-Type` names `mediaType` (case-insensitive), parameters such as
    /// `; charset=utf-8` aside. No header is no match.
    ///
    /// A media type is an ASCII token (RFC 9110 section 8.3.1), so the bytes are compared as
    /// they are: Foundation's whitespace trimming and lower-casing here were about 3 % of
    /// ingress-custom's CPU under load.
    public func hasMediaType(_ mediaType: String) -> Bool {
        guard let contentType = headers[.contentType] else { return false }
        let bytes = contentType.utf8
        var sent = bytes[..<(bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.endIndex)]
        while let first = sent.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") { sent = sent.dropFirst() }
        while let last = sent.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") { sent = sent.dropLast() }
        return sent.elementsEqual(mediaType.utf8) { Self.asciiLowercased($0) == Self.asciiLowercased($1) }
    }

    private static func asciiLowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte + 32 : byte
    }

    /// `receivedAt` as `InboundMessage.receivedAtMs` (ms since the Unix epoch).
    public var receivedAtMs: Int64 {
        Int64((receivedAt.timeIntervalSince1970 * 1000).rounded())
    }
}
