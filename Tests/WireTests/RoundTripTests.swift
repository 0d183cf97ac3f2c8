import Testing
import Wire

@Suite("Round trips")
struct RoundTripTests {
    @Test("the fixtures cover every message type, both with all fields and with required fields only")
    func fixturesCoverEveryType() {
        #expect(Set(Fixtures.allFieldsSet.map(\.type)) == Set(MessageType.allCases))
        #expect(Set(Fixtures.requiredFieldsOnly.map(\.type)) == Set(MessageType.allCases))
        #expect(Fixtures.allFieldsSet.count == MessageType.allCases.count)
    }

    @Test("every message with all fields set survives encode then decode", arguments: Fixtures.allFieldsSet)
    func allFieldsRoundTrip(message: WireMessage) throws {
        let envelope = Envelope(id: Fixtures.idB, message: message)
        let frames = try WireCodec.encode(envelope)
        #expect(frames.count == 4)
        #expect(frames[0] == [0x53, 0x57, 0x42, 0x01])
        #expect(frames[1] == [UInt8(message.type.rawValue >> 8), UInt8(message.type.rawValue & 0xff)])
        #expect(frames[2] == Fixtures.idB.bytes)
        #expect(!frames[3].isEmpty)
        #expect(try WireCodec.decode(frames: frames) == envelope)
    }

    @Test("every message with only its required fields survives encode then decode", arguments: Fixtures.requiredFieldsOnly)
    func requiredFieldsRoundTrip(message: WireMessage) throws {
        let envelope = Envelope(id: Fixtures.idA, message: message)
        let frames = try WireCodec.encode(envelope)
        #expect(try WireCodec.decode(frames: frames) == envelope)
    }

    @Test("a snapshot request with no prefix has an empty body")
    func emptyBody() throws {
        let frames = try WireCodec.encode(Envelope(id: Fixtures.idA, message: .snapshotRequest(SnapshotRequest())))
        #expect(frames[3].isEmpty)
        #expect(try WireCodec.decode(frames: frames).message == .snapshotRequest(SnapshotRequest()))
    }

    @Test("published messages carry their topic and round trip", arguments: [
        (WireMessage.agentUpdate(AgentUpdate(sequence: 9, agent: Fixtures.fullAgent)), "agent.ada"),
        (WireMessage.heartbeat(Heartbeat(sender: "presence", lastSequence: 9)), "heartbeat"),
        (WireMessage.submitAck(SubmitAck(ackedID: Fixtures.idA, outcome: .accepted)), "submitAck"),
    ])
    func publishedRoundTrip(message: WireMessage, topic: String) throws {
        let envelope = Envelope(id: Fixtures.idA, message: message)
        let frames = try WireCodec.encodePublished(envelope)
        #expect(frames.count == 5)
        #expect(frames[0] == Array(topic.utf8))
        #expect(frames[0].starts(with: WireCodec.agentTopicPrefix) == (message.type == .agentUpdate))
        #expect(Array(frames.dropFirst()) == (try WireCodec.encode(envelope)))
        #expect(try WireCodec.decodePublished(frames: frames) == envelope)
    }

    @Test("decode takes the frames after a ROUTER's routing id without copying them out")
    func decodeAfterRoutingID() throws {
        let envelope = Envelope(id: Fixtures.idA, message: Fixtures.allFieldsSet[3])
        let received = [[0x00, 0x6b, 0x8b, 0x45, 0x67]] + (try WireCodec.encode(envelope))
        #expect(try WireCodec.decode(frames: received.dropFirst()) == envelope)
        let header = try WireCodec.decodeHeader(frames: received.dropFirst())
        #expect(header.version == 1)
        #expect(header.type == .submit)
        #expect(header.id == Fixtures.idA)
    }

    @Test("unknown values of informational enums are kept by number")
    func unrecognizedInformationalEnums() throws {
        let messages: [WireMessage] = [
            .deny(Deny(requestID: Fixtures.idA, reservationID: "r", reason: .unrecognized(42))),
            .disconnect(Disconnect(sender: "s", reason: .unrecognized(99))),
            .readyRefused(ReadyRefused(readyID: Fixtures.idA, reason: .unrecognized(7))),
            .offerWithdrawn(OfferWithdrawn(offerID: "o", agentID: "a", reason: .unrecognized(8))),
            .offer(Offer(offerID: "o", conversationID: "c", agentID: "a", queue: "q", workStream: "w", expiresAtMs: 5, kind: .unrecognized(6))),
            .agentActionResult(AgentActionResult(actionMessageID: Fixtures.idA, actionID: "x", outcome: .refused(.unrecognized(31)))),
        ]
        for message in messages {
            let envelope = Envelope(id: Fixtures.idB, message: message)
            #expect(try WireCodec.decode(frames: WireCodec.encode(envelope)) == envelope)
        }
    }

    @Test("fields a newer writer adds are ignored by this reader")
    func unknownFieldsAreIgnored() throws {
        let envelope = Envelope(id: Fixtures.idA, message: Fixtures.allFieldsSet[0])
        var frames = try WireCodec.encode(envelope)
        // field 99, wire type 2 (length-delimited), 3 bytes; field 100 varint 150
        frames[3] += [0x9a, 0x06, 0x03, 0x61, 0x62, 0x63, 0xa0, 0x06, 0x96, 0x01]
        #expect(try WireCodec.decode(frames: frames) == envelope)
    }
}
