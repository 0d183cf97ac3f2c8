import Storage
import Wire

/// How a Wire message sits in an outbox row: the message id in its own column, the type
/// code and the protobuf body (frame 3) as the payload. Rebuilding the four frames on load
/// lets `WireCodec` validate a stored row exactly like a received one.
enum OutboxCodec {
    static func insert(_ envelope: Envelope, channelInstanceID: String, providerMessageID: String, createdAtMs: Int64) throws(IngressError) -> OutboxInsert {
        let frames: [[UInt8]]
        do {
            frames = try WireCodec.encode(envelope)
        } catch {
            throw IngressError(code: .encodingFailed, message: "cannot encode \(envelope.type) \(envelope.id)", cause: error)
        }
        return OutboxInsert(
            messageID: envelope.id.bytes, channelInstanceID: channelInstanceID, providerMessageID: providerMessageID,
            messageType: envelope.type.rawValue, payload: frames[WireCodec.frameCount - 1], createdAtMs: createdAtMs)
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
