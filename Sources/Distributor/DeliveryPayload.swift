import Wire

/// How a Deliver (or a forwarded reply) is kept in the queue state store: its wire frames
/// back to back (`WireCodec.encodeStored`).
enum DeliveryPayload {
    static func encode(_ envelope: Envelope) throws(WireError) -> [UInt8] {
        try WireCodec.encodeStored(envelope)
    }

    static func decode(_ bytes: [UInt8]) throws(WireError) -> Envelope {
        try WireCodec.decodeStored(bytes)
    }
}
