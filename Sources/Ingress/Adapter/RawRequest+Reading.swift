import Foundation

extension RawRequest {
    /// Whether `Content-Type` names `mediaType` (case-insensitive), parameters such as
    /// `; charset=utf-8` aside. No header is no match.
    public func hasMediaType(_ mediaType: String) -> Bool {
        guard let contentType = header("Content-Type") else { return false }
        let sent = contentType.split(separator: ";", maxSplits: 1).first ?? ""
        return sent.trimmingCharacters(in: .whitespaces).lowercased() == mediaType.lowercased()
    }

    /// `receivedAt` as `InboundMessage.receivedAtMs` (ms since the Unix epoch).
    public var receivedAtMs: Int64 {
        Int64((receivedAt.timeIntervalSince1970 * 1000).rounded())
    }
}
