import Foundation
import Wire

/// An envelope as the journal stores it (`WireCodec.encodeStored`), with the router's errors.
enum StoredEnvelope {
    static func encode(_ envelope: Envelope) throws(RouterError) -> Data {
        do {
            return Data(try WireCodec.encodeStored(envelope))
        } catch {
            throw RouterError(code: .corruptDelivery, message: "cannot encode \(envelope.type.name) \(envelope.id)", cause: error)
        }
    }

    /// The stored form of a message's frames as they arrived (no encode of the decoded message).
    static func received(_ frames: ArraySlice<[UInt8]>) -> Data {
        Data(WireCodec.stored(frames: frames))
    }

    /// A stored envelope ready to send again: header checked, body not decoded.
    static func encoded(_ data: Data) throws(RouterError) -> EncodedEnvelope {
        do {
            return try WireCodec.encodedStored([UInt8](data))
        } catch {
            throw RouterError(code: .corruptDelivery, message: "cannot read a stored envelope", cause: error)
        }
    }

    static func decode(_ data: Data) throws(RouterError) -> Envelope {
        do {
            return try WireCodec.decodeStored([UInt8](data))
        } catch {
            throw RouterError(code: .corruptDelivery, message: "cannot decode a stored envelope", cause: error)
        }
    }
}
