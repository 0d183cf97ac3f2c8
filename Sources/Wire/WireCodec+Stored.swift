/// An envelope as the stores keep it (the router's journal, a distributor's deliveries and
/// forwarded replies): its four wire frames back to back. Frames 0–2 have fixed lengths
/// (4, 2, 16 bytes), so the body is the rest and no length prefix is needed, and a resend
/// after a restart is byte for byte the message first sent, same id.
extension WireCodec {
    public static func encodeStored(_ envelope: Envelope) throws(WireError) -> [UInt8] {
        Array(try encode(envelope).joined())
    }

    public static func decodeStored(_ bytes: [UInt8]) throws(WireError) -> Envelope {
        let header = 4 + 2 + MessageID.byteCount
        guard bytes.count >= header else {
            throw WireError(code: .invalidFrameLength, message: "a stored envelope is \(bytes.count) bytes, shorter than its header")
        }
        return try decode(frames: [Array(bytes[0..<4]), Array(bytes[4..<6]), Array(bytes[6..<header]), Array(bytes[header...])])
    }
}
