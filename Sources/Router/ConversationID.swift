import Foundation

/// New conversation ids: time-ordered (version 7, RFC 9562) UUIDs in lower case. The first
/// 48 bits are the Unix time in milliseconds, the rest random from the system generator.
///
/// Time-ordered because the journal keys its conversations, messages and deliveries on them:
/// random (version 4) ids put every new row on a random page of each of those b-trees, one
/// more page in each commit, where ids that grow with time put the rows of a commit side by
/// side on the newest pages (decisions §61).
/// Drawn from `SystemRandomNumberGenerator`: Foundation's `UUID()` opens, reads and closes
/// /dev/urandom on Linux for each one (decisions §37).
enum ConversationID {
    /// `nowMs`: the Submit's time, as the journal stores it (milliseconds since the Unix epoch).
    static func make(nowMs: Int64) -> String {
        let nowMs = UInt64(clamping: nowMs)
        var generator = SystemRandomNumberGenerator()
        var random = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &random) { bytes in
            for index in 0..<6 { bytes[index] = UInt8(truncatingIfNeeded: nowMs >> (40 - 8 * index)) }
            bytes[6] = (bytes[6] & 0x0F) | 0x70  // version 7: Unix time in milliseconds, then random
            bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 1 (RFC 9562)
            return UUID(uuid: bytes.load(as: uuid_t.self)).uuidString.lowercased()
        }
    }
}
