import Storage
import Wire

/// How a Wire message sits in an outbox row: the message id in its own column, the type
/// code and the protobuf body (frame 3) as the payload. Rebuilding the four frames on load
/// lets `WireCodec` validate a stored row exactly like a received one.
enum OutboxCodec {
    /// The encoded message (what the forwarder sends when it takes the row from the
    /// `OutboxSignal`) and the row that stores it.
    static func insert(
        _ envelope: Envelope, channelInstanceID: String, providerMessageID: String, createdAtMs: Int64
    ) throws(IngressError) -> (encoded: EncodedEnvelope, row: OutboxInsert) {
        let encoded: EncodedEnvelope
        do {
            encoded = try WireCodec.encoded(envelope)
        } catch {
            throw IngressError(code: .encodingFailed, message: "cannot encode \(envelope.type) \(envelope.id)", cause: error)
        }
        let row = OutboxInsert(
            messageID: envelope.id.bytes, channelInstanceID: channelInstanceID, providerMessageID: providerMessageID,
            messageType: envelope.type.rawValue, payload: encoded.frames[WireCodec.frameCount - 1], createdAtMs: createdAtMs)
        return (encoded, row)
    }

    static func envelope(_ row: OutboxRow) throws(IngressError) -> Envelope {
        let type = [UInt8(truncatingIfNeeded: row.messageType >> 8), UInt8(truncatingIfNeeded: row.messageType)]
        let frames = [WireCodec.protocolTag + [WireCodec.currentVersion], type, row.messageID, row.payload]
        do {
            return try WireCodec.decode(frames: frames)
        } catch {
            throw IngressError(code: .storeFailed, message: "outbox row \(row.sequence) does not decode", cause: error)
        }
    }
}
