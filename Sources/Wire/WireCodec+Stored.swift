/// An envelope as the stores keep it (the router's journal, a distributor's deliveries and
/// forwarded replies): its four wire frames back to back. Frames 0–2 have fixed lengths
/// (4, 2, 16 bytes), so the body is the rest and no length prefix is needed, and a resend
/// after a restart is byte for byte the message first sent, same id.
extension WireCodec {
    /// Bytes of the tag, type and id frames that begin every stored envelope.
    static let storedHeaderCount = 4 + 2 + MessageID.byteCount

    public static func encodeStored(_ envelope: Envelope) throws(WireError) -> [UInt8] {
        stored(frames: try encode(envelope))
    }

    /// The stored form of frames as they were received: what arrived is kept, without a
    /// protobuf encode of the decoded message (and with any field this build does not know).
    public static func stored<Frames: Collection>(frames: Frames) -> [UInt8] where Frames.Element == [UInt8] {
        Array(frames.joined())
    }

    public static func decodeStored(_ bytes: [UInt8]) throws(WireError) -> Envelope {
        try decode(frames: storedFrames(bytes))
    }

    /// `envelope` encoded once, kept with its type and id: for a message stored and sent
    /// from the same bytes.
    public static func encoded(_ envelope: Envelope) throws(WireError) -> EncodedEnvelope {
        EncodedEnvelope(type: envelope.type, id: envelope.id, frames: try encode(envelope))
    }

    /// A stored envelope's frames with its header checked and its body not decoded: to send
    /// it again as it was stored, without a protobuf decode and encode.
    public static func encodedStored(_ bytes: [UInt8]) throws(WireError) -> EncodedEnvelope {
        let frames = try storedFrames(bytes)
        let header = try decodeHeader(frames: frames)
        return EncodedEnvelope(type: header.type, id: header.id, frames: frames)
    }

    private static func storedFrames(_ bytes: [UInt8]) throws(WireError) -> [[UInt8]] {
        guard bytes.count >= storedHeaderCount else {
            throw WireError(code: .invalidFrameLength, message: "a stored envelope is \(bytes.count) bytes, shorter than its header")
        }
        return [Array(bytes[0..<4]), Array(bytes[4..<6]), Array(bytes[6..<storedHeaderCount]), Array(bytes[storedHeaderCount...])]
    }
}

/// A message's four frames with its header read (type and id) and its body left encoded:
/// what a link sends when the bytes exist already (a stored envelope sent again, a message
/// just stored). Made only by `WireCodec`, so its header is always one this build reads.
public struct EncodedEnvelope: Sendable {
    public let type: MessageType
    public let id: MessageID
    public let frames: [[UInt8]]
}
