import Testing
import Wire

/// The stored form (four frames back to back) read back without decoding the body, and
/// received frames stored as they arrived: what the router sends and keeps without a
/// protobuf decode and encode of each Deliver and Submit.
@Suite("Stored envelopes")
struct StoredEnvelopeTests {
    @Test("a stored envelope's frames come back as encoded, with its type and id, for every message")
    func encodedStoredGivesBackTheFrames() throws {
        for envelope in Fixtures.envelopes {
            let stored = try WireCodec.encodeStored(envelope)
            let encoded = try WireCodec.encodedStored(stored)
            #expect(encoded.frames == (try WireCodec.encode(envelope)))
            #expect(encoded.type == envelope.type)
            #expect(encoded.id == envelope.id)
            #expect(try WireCodec.decode(frames: encoded.frames) == envelope)
        }
    }

    @Test("received frames stored as they arrived read back as the same message")
    func receivedFramesAreStoredAsTheyArrived() throws {
        for envelope in Fixtures.envelopes {
            let frames = try WireCodec.encode(envelope)
            let stored = WireCodec.stored(frames: frames[...])
            #expect(stored == (try WireCodec.encodeStored(envelope)))
            #expect(try WireCodec.decodeStored(stored) == envelope)
        }
    }

    @Test("a stored envelope shorter than its header, or with a header this build does not know, is an error")
    func badStoredBytesAreErrors() throws {
        let stored = try WireCodec.encodeStored(Fixtures.envelopes[0])
        #expect(throws: WireError.self) { try WireCodec.encodedStored(Array(stored.prefix(21))) }
        var unknownType = stored
        unknownType[4] = 0x7f
        unknownType[5] = 0x7f
        let error = #expect(throws: WireError.self) { try WireCodec.encodedStored(unknownType) }
        #expect(error?.code == .unknownMessageType)
        var otherTag = stored
        otherTag[0] = 0x00
        #expect(throws: WireError.self) { try WireCodec.encodedStored(otherTag) }
    }
}
