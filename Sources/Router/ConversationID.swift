import Foundation

/// New conversation ids: random (version 4) UUIDs in lower case, as `UUID().uuidString`
/// gave, drawn from the system generator (one `getrandom` call). Foundation's `UUID()` opens,
/// reads and closes /dev/urandom on Linux for each one: three system calls on the router's
/// loop thread for every Submit (`perf trace`, decisions §37).
enum ConversationID {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = withUnsafeBytes(of: (generator.next() as UInt64, generator.next() as UInt64)) { Array($0) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4: random
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 1 (RFC 9562)
        let uuid = UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
        return uuid.uuidString.lowercased()
    }
}
