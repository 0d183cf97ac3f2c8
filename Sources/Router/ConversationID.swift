import Foundation

/// New conversation ids: random (version 4) UUIDs in lower case, as `UUID().uuidString`
/// gave, drawn from the system generator (one `getrandom` call). Foundation's `UUID()` opens,
/// reads and closes /dev/urandom on Linux for each one: three system calls on the router's
/// loop thread for every Submit (`perf trace`, decisions §37).
enum ConversationID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var random = (generator.next() as UInt64, generator.next() as UInt64)
        return withUnsafeMutableBytes(of: &random) { bytes in
            bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4: random
            bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 1 (RFC 9562)
            return UUID(uuid: bytes.load(as: uuid_t.self)).uuidString.lowercased()
        }
    }
}
