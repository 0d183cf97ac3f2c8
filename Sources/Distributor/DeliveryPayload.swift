import Wire

/// How a Deliver is kept in the queue state store: its four wire frames back to back. The
/// first three have fixed lengths (4, 2, 16), so the body needs no length prefix.
enum DeliveryPayload {
    static func encode(_ envelope: Envelope) throws(WireError) -> [UInt8] {
        try WireCodec.encode(envelope).flatMap { $0 }
    }

    static func decode(_ bytes: [UInt8]) throws(WireError) -> Envelope {
        let header = 4 + 2 + MessageID.byteCount
        guard bytes.count >= header else {
            throw WireError(code: .invalidFrameLength, message: "a stored delivery is \(bytes.count) bytes, shorter than its header")
        }
        let frames = [Array(bytes[0..<4]), Array(bytes[4..<6]), Array(bytes[6..<header]), Array(bytes[header...])]
        return try WireCodec.decode(frames: frames)
    }
}
