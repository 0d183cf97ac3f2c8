import Synchronization

/// A 16-byte message id (wire.md section 2): 8 bytes sender prefix (random per
/// generator, i.e. per process start) + 8 bytes counter, both big-endian on the wire.
/// Unique per sender; the dedupe key of store-and-forward. A resend reuses the id.
public struct MessageID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let byteCount = 16

    /// Random per generator (per process start).
    public let prefix: UInt64
    /// 1, 2, 3, ... per generator.
    public let counter: UInt64

    public init(prefix: UInt64, counter: UInt64) {
        self.prefix = prefix
        self.counter = counter
    }

    /// Reads 16 bytes; nil when `bytes` is not exactly 16 bytes long.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == Self.byteCount else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var index = 0
        for byte in bytes {
            if index < 8 {
                high = (high << 8) | UInt64(byte)
            } else {
                low = (low << 8) | UInt64(byte)
            }
            index += 1
        }
        self.init(prefix: high, counter: low)
    }

    /// Parses the 32-hex-digit text form; nil when it is not that.
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count == 2 * Self.byteCount else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(Self.byteCount)
        var index = 0
        while index < utf8.count {
            guard let high = Self.hexValue(utf8[index]), let low = Self.hexValue(utf8[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(bytes: bytes)
    }

    /// The 16 wire bytes.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.byteCount)
        append(to: &out)
        return out
    }

    /// Appends the 16 wire bytes to `buffer`.
    public func append(to buffer: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) {
            buffer.append(UInt8(truncatingIfNeeded: prefix >> UInt64(shift)))
        }
        for shift in stride(from: 56, through: 0, by: -8) {
            buffer.append(UInt8(truncatingIfNeeded: counter >> UInt64(shift)))
        }
    }

    /// 32 lower-case hex digits.
    public var description: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(2 * Self.byteCount)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public static func < (lhs: MessageID, rhs: MessageID) -> Bool {
        (lhs.prefix, lhs.counter) < (rhs.prefix, rhs.counter)
    }

    private static func hexValue(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Makes message ids for one sender: a fixed random prefix and an atomic counter.
/// Cheap (one relaxed atomic increment) and safe to share between tasks and threads.
/// Make one per process (pass it to whatever sends), not one per message.
public final class MessageIDGenerator: Sendable {
    public let prefix: UInt64
    private let counter: Atomic<UInt64>

    /// A generator with a prefix drawn from the system's secure random source.
    public convenience init() {
        var random = SystemRandomNumberGenerator()
        self.init(prefix: random.next())
    }

    /// A generator with a given prefix (tests, replays). The first id has counter
    /// `lastCounter + 1`.
    public init(prefix: UInt64, lastCounter: UInt64 = 0) {
        self.prefix = prefix
        self.counter = Atomic(lastCounter)
    }

    /// The next id. Never repeats within a generator (the counter would need 2^64 ids
    /// to wrap).
    public func next() -> MessageID {
        let value = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return MessageID(prefix: prefix, counter: value)
    }
}
