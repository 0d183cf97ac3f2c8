import Foundation
import Wire

/// An envelope as the journal stores it: its four wire frames back to back. Frames 0–2 have
/// fixed lengths (4, 2, 16 bytes), so the body is the rest and no length prefix is needed.
/// A resend after a restart is therefore byte-for-byte the message first sent, same id.
enum StoredEnvelope {
    static func encode(_ envelope: Envelope) throws(RouterError) -> Data {
        do {
            return Data(try WireCodec.encode(envelope).joined())
        } catch {
            throw RouterError(code: .corruptDelivery, message: "cannot encode \(envelope.type.name) \(envelope.id)", cause: error)
        }
    }

    static func decode(_ data: Data) throws(RouterError) -> Envelope {
        let bytes = [UInt8](data)
        guard bytes.count >= 22 else {
            throw RouterError(code: .corruptDelivery, message: "stored envelope of \(bytes.count) bytes is too short")
        }
        let frames = [Array(bytes[0..<4]), Array(bytes[4..<6]), Array(bytes[6..<22]), Array(bytes[22...])]
        do {
            return try WireCodec.decode(frames: frames)
        } catch {
            throw RouterError(code: .corruptDelivery, message: "cannot decode a stored envelope", cause: error)
        }
    }
}
