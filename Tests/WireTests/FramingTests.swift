import Testing
import Wire

@Suite("Framing")
struct FramingTests {
    static let heartbeat = Envelope(
        id: MessageID(prefix: 0x0123_4567_89ab_cdef, counter: 1),
        message: .heartbeat(Heartbeat(sender: "router", sentAtMs: 1_717_000_000_000)))

    @Test("a heartbeat encodes to exactly the bytes of wire.md's example")
    func goldenHeartbeat() throws {
        let frames = try WireCodec.encode(Self.heartbeat)
        #expect(frames == [
            [0x53, 0x57, 0x42, 0x01],
            [0x00, 0x01],
            [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01],
            [0x0a, 0x06, 0x72, 0x6f, 0x75, 0x74, 0x65, 0x72, 0x10, 0x80, 0xa4, 0xb3, 0xa9, 0xfc, 0x31],
        ])
        let published = try WireCodec.encodePublished(Self.heartbeat)
        #expect(published[0] == [0x68, 0x65, 0x61, 0x72, 0x74, 0x62, 0x65, 0x61, 0x74])
        #expect(try WireCodec.decode(frames: frames) == Self.heartbeat)
    }

    @Test("message type numbers are the ones of wire.md's table")
    func messageTypeNumbers() {
        let expected: [MessageType: UInt16] = [
            .heartbeat: 0x0001, .disconnect: 0x0002, .ack: 0x0003,
            .submit: 0x0101, .submitAck: 0x0102,
            .ready: 0x0201, .readyAccepted: 0x0202, .readyRefused: 0x0203,
            .deliver: 0x0301, .deliverAck: 0x0302, .agentReply: 0x0303, .agentReplyAck: 0x0304,
            .conversationClosed: 0x0305, .conversationTransferred: 0x0306,
            .reserve: 0x0401, .grant: 0x0402, .deny: 0x0403, .release: 0x0404, .releaseAck: 0x0405,
            .agentUpdate: 0x0501, .snapshotRequest: 0x0502, .snapshotReply: 0x0503,
            .offer: 0x0601, .offerReply: 0x0602, .offerWithdrawn: 0x0603, .agentAction: 0x0604,
            .agentActionResult: 0x0605, .conversationMessage: 0x0606, .workItems: 0x0607,
        ]
        #expect(expected.count == MessageType.allCases.count)
        for type in MessageType.allCases {
            #expect(type.rawValue == expected[type], "\(type)")
        }
        #expect(MessageType.submitAck.description == "SubmitAck(0x0102)")
    }

    // MARK: decoder errors

    func expectError(
        _ code: WireError.Code, _ frames: [[UInt8]], sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let envelope = try WireCodec.decode(frames: frames)
            Issue.record("expected \(code), decoded \(envelope)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        }
    }

    func validFrames() throws -> [[UInt8]] {
        try WireCodec.encode(Envelope(id: Fixtures.idA, message: Fixtures.allFieldsSet[3]))
    }

    @Test("a wrong protocol tag is wrongProtocolTag")
    func wrongTag() throws {
        var frames = try validFrames()
        frames[0] = Array("SWC".utf8) + [1]
        expectError(.wrongProtocolTag, frames)
        frames[0] = [0x53, 0x57, 0x42]
        expectError(.wrongProtocolTag, frames)
        frames[0] = [0x53, 0x57, 0x42, 0x01, 0x00]
        expectError(.wrongProtocolTag, frames)
        frames[0] = []
        expectError(.wrongProtocolTag, frames)
    }

    @Test("an unknown version is unsupportedVersion", arguments: [UInt8(0), 2, 0xff])
    func unknownVersion(version: UInt8) throws {
        var frames = try validFrames()
        frames[0][3] = version
        expectError(.unsupportedVersion, frames)
    }

    @Test("an unknown type is unknownMessageType", arguments: [UInt16(0x0000), 0x0004, 0x0106, 0x0700, 0xffff])
    func unknownType(raw: UInt16) throws {
        var frames = try validFrames()
        frames[1] = [UInt8(raw >> 8), UInt8(raw & 0xff)]
        expectError(.unknownMessageType, frames)
    }

    @Test("a frame count other than 4 is wrongFrameCount", arguments: [0, 1, 3, 5, 6])
    func wrongFrameCount(count: Int) throws {
        let valid = try validFrames()
        let frames = count <= 4 ? Array(valid.prefix(count)) : valid + Array(repeating: [0x00], count: count - 4)
        expectError(.wrongFrameCount, frames)
    }

    @Test("a type or id frame of the wrong length is invalidFrameLength")
    func wrongFrameLength() throws {
        let valid = try validFrames()
        var frames = valid
        frames[2].removeLast()
        expectError(.invalidFrameLength, frames)
        frames[2] = []
        expectError(.invalidFrameLength, frames)
        frames = valid
        frames[2].append(0)
        expectError(.invalidFrameLength, frames)
        frames = valid
        frames[1] = [0x01]
        expectError(.invalidFrameLength, frames)
        frames[1] = [0x00, 0x01, 0x01]
        expectError(.invalidFrameLength, frames)
    }

    @Test("a truncated body is invalidBody, with the type and id of the message")
    func truncatedBody() throws {
        let valid = try validFrames()
        for cut in [1, 2, 5, valid[3].count / 2, valid[3].count - 1] {
            var frames = valid
            frames[3].removeLast(cut)
            do {
                _ = try WireCodec.decode(frames: frames)
                // Some prefixes of a body are themselves valid protobuf: then a required
                // field is missing instead. Either way it must not decode to the original.
                Issue.record("truncated by \(cut) still decoded")
            } catch {
                #expect([.invalidBody, .missingRequiredField].contains(error.code), "\(error)")
                #expect(error.messageType == .submit)
                #expect(error.messageID == Fixtures.idA)
            }
        }
        var frames = valid
        frames[3] = Array(valid[3].prefix(valid[3].count - 1))
        expectError(.invalidBody, frames)
    }

    @Test("a garbage body is invalidBody")
    func garbageBody() throws {
        var frames = try validFrames()
        frames[3] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        expectError(.invalidBody, frames)
        frames[3] = [0x0a, 0x05, 0x0a, 0x03, 0xc3, 0x28, 0x41]  // invalid UTF-8 in a string
        expectError(.invalidBody, frames)
        frames[3] = [0x0f]  // wire type 7 does not exist
        expectError(.invalidBody, frames)
    }

    @Test("missing required fields are missingRequiredField")
    func missingRequiredFields() throws {
        var frames = try validFrames()
        frames[3] = []  // Submit without its message
        expectError(.missingRequiredField, frames)
        frames[1] = [0x00, 0x01]  // Heartbeat without a sender
        expectError(.missingRequiredField, frames)
        frames[1] = [0x01, 0x02]  // SubmitAck without acked_id
        expectError(.missingRequiredField, frames)
        frames[1] = [0x05, 0x01]  // AgentUpdate with sequence 0
        expectError(.missingRequiredField, frames)
        // AgentAction transfer without a target
        frames[1] = [0x06, 0x04]
        frames[3] = [0x0a, 0x01, 0x78, 0x12, 0x01, 0x61, 0x1a, 0x01, 0x63, 0x20, 0x06]
        expectError(.missingRequiredField, frames)
        frames[3] += [0x32, 0x01, 0x71]  // target_queue "q"
        #expect(
            try WireCodec.decode(frames: frames).message
                == .agentAction(AgentAction(actionID: "x", agentID: "a", conversationID: "c", kind: .transferToQueue("q"))))
    }

    @Test("an id or name with a NUL in it is invalidFieldValue: the stores would cut it there")
    func nulInARequiredString() throws {
        let deliver = Deliver(
            conversationID: "c1\u{0}x", workStream: "w", queue: "q", kind: .newConversation,
            message: InboundMessage(channelInstanceID: "i", channelType: "chat", providerMessageID: "p", customerAddress: "v"))
        expectError(.invalidFieldValue, try WireCodec.encode(Envelope(id: Fixtures.idA, message: .deliver(deliver))))
        let submit = Submit(message: InboundMessage(channelInstanceID: "i", channelType: "chat", providerMessageID: "p\u{0}", customerAddress: "v"))
        expectError(.invalidFieldValue, try WireCodec.encode(Envelope(id: Fixtures.idA, message: .submit(submit))))
        // Past the 15 bytes a string keeps inline, at the end.
        var long = deliver
        long.conversationID = "3f2a9c1e-8b4d-4e6f-9a0b-1c2d3e4f5a6b\u{0}"
        expectError(.invalidFieldValue, try WireCodec.encode(Envelope(id: Fixtures.idA, message: .deliver(long))))
        // Elsewhere (a message's text) a NUL is only text.
        let text = Submit(message: InboundMessage(channelInstanceID: "i", channelType: "chat", providerMessageID: "p", customerAddress: "v", text: "a\u{0}b"))
        #expect(try WireCodec.decode(frames: WireCodec.encode(Envelope(id: Fixtures.idA, message: .submit(text)))).message == .submit(text))
    }

    @Test("an id or name longer than maximumIDBytes is invalidFieldValue, required, optional or listed")
    func overLongIDs() throws {
        let longest = String(repeating: "x", count: WireCodec.maximumIDBytes)
        let tooLong = longest + "x"
        func frames(_ message: WireMessage) throws -> [[UInt8]] { try WireCodec.encode(Envelope(id: Fixtures.idA, message: message)) }
        func deliver(_ conversationID: String) -> WireMessage {
            .deliver(Deliver(
                conversationID: conversationID, workStream: "w", queue: "q", kind: .newConversation,
                message: InboundMessage(channelInstanceID: "i", channelType: "chat", providerMessageID: "p", customerAddress: "v")))
        }
        #expect(try WireCodec.decode(frames: frames(deliver(longest))).message == deliver(longest))
        expectError(.invalidFieldValue, try frames(deliver(tooLong)))
        // Bytes, not characters: 342 three-byte characters are 1,026 bytes.
        expectError(.invalidFieldValue, try frames(deliver(String(repeating: "€", count: 342))))
        // An optional id, an id the protocol lets be empty, and one in a list.
        expectError(.invalidFieldValue, try frames(.submitAck(SubmitAck(ackedID: Fixtures.idA, outcome: .accepted, conversationID: tooLong))))
        expectError(.invalidFieldValue, try frames(.conversationClosed(ConversationClosed(conversationID: "c", queue: tooLong, reason: .agentClosed))))
        expectError(.invalidFieldValue, try frames(.workItems(WorkItems(queue: "q", snapshot: false, added: [], removed: ["c", tooLong]))))
        expectError(.invalidFieldValue, try frames(.workItems(WorkItems(queue: "q", heldReservationIDs: ["c#1", tooLong]))))
        let result = AgentActionResult(
            actionMessageID: Fixtures.idA, actionID: "x", outcome: .done,
            releases: [Release(reservationID: tooLong, agentID: "a", conversationID: "c")])
        expectError(.invalidFieldValue, try frames(.agentActionResult(result)))
        // A message's text is not an id: it may be longer.
        let text = Submit(message: InboundMessage(channelInstanceID: "i", channelType: "chat", providerMessageID: "p", customerAddress: "v", text: tooLong))
        #expect(try WireCodec.decode(frames: frames(.submit(text))).message == .submit(text))
    }

    @Test("unusable field values are invalidFieldValue")
    func invalidFieldValues() throws {
        var frames = try validFrames()
        // SubmitAck with a 3-byte acked_id
        frames[1] = [0x01, 0x02]
        frames[3] = [0x0a, 0x03, 0x01, 0x02, 0x03, 0x10, 0x01]
        expectError(.invalidFieldValue, frames)
        // SubmitAck with an outcome this reader does not know
        frames[3] = [0x0a, 0x10] + Fixtures.idA.bytes + [0x10, 0x09]
        expectError(.invalidFieldValue, frames)
        frames[3] = [0x0a, 0x10] + Fixtures.idA.bytes + [0x10, 0x01]
        #expect(try WireCodec.decode(frames: frames).message == .submitAck(SubmitAck(ackedID: Fixtures.idA, outcome: .accepted)))
        // Offer summary with a context value that is neither text nor number
        frames[1] = [0x06, 0x01]
        let offer = Offer(offerID: "o", conversationID: "c", agentID: "a", queue: "q", workStream: "w", expiresAtMs: 1)
        frames[3] = try WireCodec.encode(Envelope(id: Fixtures.idA, message: .offer(offer)))[3]
        frames[3] += [0x3a, 0x05, 0x0a, 0x01, 0x6b, 0x12, 0x00]  // summary["k"] = ContextValue{}
        expectError(.invalidFieldValue, frames)
    }

    @Test("an offer's messages are 1...n, at most Offer.maxMessages: the accept is taken as their receipt")
    func offeredMessagesAreAPrefix() throws {
        func offer(_ sequences: [UInt64]) -> WireMessage {
            .offer(Offer(
                offerID: "o", conversationID: "c", agentID: "a", queue: "q", workStream: "w", expiresAtMs: 1,
                messages: sequences.map { OfferedMessage(sequence: $0, message: Fixtures.minimalInbound) }))
        }
        let prefix = offer([1, 2, 3])
        #expect(try WireCodec.decode(frames: WireCodec.encode(Envelope(id: Fixtures.idA, message: prefix))).message == prefix)
        let all = offer(Array(1...UInt64(Offer.maxMessages)))
        #expect(try WireCodec.decode(frames: WireCodec.encode(Envelope(id: Fixtures.idA, message: all))).message == all)
        expectError(.invalidFieldValue, try WireCodec.encode(Envelope(id: Fixtures.idA, message: offer([2, 3]))))
        expectError(.invalidFieldValue, try WireCodec.encode(Envelope(id: Fixtures.idA, message: offer([1, 3]))))
        expectError(.invalidFieldValue, try WireCodec.encode(Envelope(id: Fixtures.idA, message: offer(Array(1...UInt64(Offer.maxMessages + 1))))))
    }

    @Test("a published message whose topic does not match is topicMismatch")
    func topicMismatch() throws {
        let envelope = Envelope(id: Fixtures.idA, message: .agentUpdate(AgentUpdate(sequence: 1, agent: Fixtures.fullAgent)))
        var frames = try WireCodec.encodePublished(envelope)
        frames[0] = Array("agent.bob".utf8)
        #expect(throws: WireError.self) { try WireCodec.decodePublished(frames: frames) }
        do {
            _ = try WireCodec.decodePublished(frames: frames)
        } catch {
            #expect(error.code == .topicMismatch)
        }
        do {
            _ = try WireCodec.decodePublished(frames: Array(frames.dropFirst()))
            Issue.record("decoded without a topic")
        } catch {
            #expect(error.code == .wrongFrameCount)
        }
    }
}

/// Decisions §58: what tells a held-reservation list from none, and a release in a result
/// without the fields a Release needs.
@Suite struct ReleasesInResultFieldTests {
    func roundTrip(_ message: WireMessage) throws -> WireMessage {
        try WireCodec.decode(frames: WireCodec.encode(Envelope(id: Fixtures.idA, message: message))).message
    }

    @Test func anEmptyListOfHeldReservationsIsAListNotItsAbsence() throws {
        #expect(try roundTrip(.workItems(WorkItems(queue: "q", heldReservationIDs: []))) == .workItems(WorkItems(queue: "q", heldReservationIDs: [])))
        guard case .workItems(let none) = try roundTrip(.workItems(WorkItems(queue: "q"))) else {
            Issue.record("not WorkItems")
            return
        }
        #expect(none.heldReservationIDs == nil, "a distributor that lists nothing releases nothing")
    }

    @Test func heldReservationsWithoutTheirFlagAreRefused() throws {
        // queue = "q" (field 1), held_reservation_ids = ["c#1"] (field 6), no lists_reservations:
        // a sender that lists without saying so is broken, not one that lists nothing.
        var frames = try WireCodec.encode(Envelope(id: Fixtures.idA, message: .workItems(WorkItems(queue: "q"))))
        frames[3] = [0x0a, 0x01, UInt8(ascii: "q"), 0x32, 0x03] + Array("c#1".utf8)
        #expect(throws: WireError.self) { try WireCodec.decode(frames: frames) }
        // The same list with its flag (field 5) decodes.
        frames[3] += [0x28, 0x01]
        guard case .workItems(let listed) = try WireCodec.decode(frames: frames).message else {
            Issue.record("not WorkItems")
            return
        }
        #expect(listed.heldReservationIDs == ["c#1"])
    }

    @Test func aReleaseInAResultNeedsItsReservationAgentAndConversation() throws {
        for release in [
            Release(reservationID: "", agentID: "a", conversationID: "c"),
            Release(reservationID: "c#1", agentID: "", conversationID: "c"),
            Release(reservationID: "c#1", agentID: "a", conversationID: ""),
        ] {
            let result = AgentActionResult(actionMessageID: Fixtures.idA, actionID: "x", outcome: .done, releases: [release])
            #expect(throws: WireError.self) { try roundTrip(.agentActionResult(result)) }
        }
        let good = AgentActionResult(
            actionMessageID: Fixtures.idA, actionID: "x", outcome: .done,
            releases: [Release(reservationID: "c#1", agentID: "a", conversationID: "c", units: 2)])
        #expect(try roundTrip(.agentActionResult(good)) == .agentActionResult(good))
    }
}
