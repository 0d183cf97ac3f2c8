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

    static func decode(_ data: Data) throws(RouterError) -> Envelope {
        do {
            return try WireCodec.decodeStored([UInt8](data))
        } catch {
            throw RouterError(code: .corruptDelivery, message: "cannot decode a stored envelope", cause: error)
        }
    }
}
