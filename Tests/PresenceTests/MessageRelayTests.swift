import JSONText
import SwitchboardTestSupport
import Testing
import Wire

@testable import Presence

/// A customer message is acknowledged to its distributor only once it is written to the
/// agent's socket: one queued to a connection that closes first is sent again, not lost.
@Suite struct MessageRelayTests {
    private static let peer = DistributorPeer(bytes: [4])

    private static func message(_ agentID: String) -> ConversationMessage {
        let inbound = InboundMessage(
            channelInstanceID: "custom-main", channelType: "custom", providerMessageID: "p1", customerAddress: "cust-1",
            text: "hello?", receivedAtMs: 1_700_000_000_000)
        return ConversationMessage(conversationID: "c1", agentID: agentID, sequence: 1, message: inbound, queue: "billing")
    }

    private static func acks(_ recorder: OutletRecorder, of id: MessageID) async -> Int {
        await recorder.sent.filter { $0.message == .ack(Ack(ackedID: id, outcome: .accepted)) }.count
    }

    @Test func theAckWaitsForTheSocketWrite() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let id = MessageID(prefix: 4, counter: 1)
        await harness.coordinator.handle(Envelope(id: id, message: .conversationMessage(Self.message("ada"))), from: Self.peer)
        #expect(await Self.acks(harness.recorder, of: id) == 0)

        // The socket writer takes the frame and reports it written: now the ack goes out.
        var receipt: WriteReceipt?
        for await item in session.outbound {
            if case .frameThen(.object(let fields), let written) = item, fields["type"] == "message" {
                receipt = written
                break
            }
        }
        try #require(receipt).written()
        #expect(await harness.recorder.wait { $0.sent.contains { $0.message == .ack(Ack(ackedID: id, outcome: .accepted)) } })
    }

    @Test func aMessageForAClosedSessionIsNeverAcknowledged() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let id = MessageID(prefix: 4, counter: 2)
        await harness.coordinator.handle(Envelope(id: id, message: .conversationMessage(Self.message("ada"))), from: Self.peer)
        await harness.coordinator.closeSession(agentID: "ada", sessionID: session.id)  // the socket ended unwritten
        try await Task.sleep(for: .milliseconds(200))
        #expect(await Self.acks(harness.recorder, of: id) == 0)
    }

    /// A message written just before the connection closed may be lost with it: the agent's
    /// next session gets it again after `welcome`; one written long before the close does not.
    @Test func messagesWrittenJustBeforeADisconnectAreSentAgainOnReconnect() async throws {
        let clock = ManualClock()
        let harness = try PresenceHarness(now: clock.now)
        defer { harness.cleanUp() }
        let first = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        var old = Self.message("ada")
        old.sequence = 1
        await harness.coordinator.handle(Envelope(id: MessageID(prefix: 4, counter: 3), message: .conversationMessage(old)), from: Self.peer)
        clock.advance(by: .seconds(10))  // older than the replay window at the close
        var recent = Self.message("ada")
        recent.sequence = 2
        await harness.coordinator.handle(Envelope(id: MessageID(prefix: 4, counter: 4), message: .conversationMessage(recent)), from: Self.peer)
        await harness.coordinator.closeSession(agentID: "ada", sessionID: first.id)

        let second = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let (types, sequence) = try await withTimeout(.seconds(5), "the replayed message") {
            var types: [String] = []
            for await item in second.outbound {
                guard case .frame(.object(let fields)) = item, case .string(let type)? = fields["type"] else { continue }
                types.append(type)
                if type == "message" { return (types, fields["sequence"]) }
            }
            return (types, nil)
        }
        #expect(types.first == "welcome")
        #expect(sequence == .integer(2))
        await harness.coordinator.closeSession(agentID: "ada", sessionID: second.id)
    }

    /// A message for an agent who is not connected is held, unacknowledged, and written right
    /// after the agent's next `welcome`; only that write acknowledges it. Without holding, it
    /// waited for the distributor's resend, whose back-off grows to 30 s.
    @Test func aMessageForADisconnectedAgentIsWrittenAfterTheNextWelcome() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let id = MessageID(prefix: 4, counter: 5)
        await harness.coordinator.handle(Envelope(id: id, message: .conversationMessage(Self.message("ada"))), from: Self.peer)
        // The same message resent meanwhile is held once.
        await harness.coordinator.handle(Envelope(id: id, message: .conversationMessage(Self.message("ada"))), from: Self.peer)
        #expect(await Self.acks(harness.recorder, of: id) == 0)

        let session = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let (types, receipts) = try await withTimeout(.seconds(5), "the held message") {
            var types: [String] = []
            var receipts: [WriteReceipt] = []
            for await item in session.outbound {
                switch item {
                case .frame(.object(let fields)):
                    if case .string(let type)? = fields["type"] { types.append(type) }
                case .frameThen(.object(let fields), let receipt):
                    if case .string(let type)? = fields["type"] { types.append(type) }
                    receipts.append(receipt)
                    if types.last == "message" { return (types, receipts) }
                default: break
                }
            }
            return (types, receipts)
        }
        #expect(types.first == "welcome")
        #expect(types.filter { $0 == "message" }.count == 1)
        #expect(await Self.acks(harness.recorder, of: id) == 0, "not acknowledged before it is written")
        for receipt in receipts { receipt.written() }
        #expect(await harness.recorder.wait { $0.sent.contains { $0.message == .ack(Ack(ackedID: id, outcome: .accepted)) } })
        await harness.coordinator.closeSession(agentID: "ada", sessionID: session.id)
    }

    /// The agent logged in again before presence saw its old connection close: what the old
    /// session was written last goes to the new one after `welcome`.
    @Test func aReplacedSessionsRecentMessagesGoToTheNewSession() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        _ = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        await harness.coordinator.handle(
            Envelope(id: MessageID(prefix: 4, counter: 6), message: .conversationMessage(Self.message("ada"))), from: Self.peer)
        let second = await harness.coordinator.openSession(agentID: "ada", presence: "available")
        let types = try await withTimeout(.seconds(5), "the replayed message") {
            var types: [String] = []
            for await item in second.outbound {
                guard case .frame(.object(let fields)) = item, case .string(let type)? = fields["type"] else { continue }
                types.append(type)
                if type == "message" { return types }
            }
            return types
        }
        #expect(types.first == "welcome")
        #expect(types.last == "message")
        await harness.coordinator.closeSession(agentID: "ada", sessionID: second.id)
    }

    /// With receipts (agent.md), a written message is acknowledged only on the agent's
    /// `received`; one a session ended without is written again after the next `welcome`,
    /// and a resend of one still waiting for its receipt is not written twice.
    @Test func withReceiptsOnlyTheAgentsReceivedAcknowledges() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        let coordinator = harness.coordinator
        let first = await coordinator.openSession(agentID: "ada", presence: "available", receipts: true)
        let id = MessageID(prefix: 4, counter: 7)
        let envelope = Envelope(id: id, message: .conversationMessage(Self.message("ada")))
        await coordinator.handle(envelope, from: Self.peer)
        await coordinator.handle(envelope, from: Self.peer)  // the distributor's resend
        try await Task.sleep(for: .milliseconds(100))
        #expect(await Self.acks(harness.recorder, of: id) == 0, "written is not received")
        await coordinator.closeSession(agentID: "ada", sessionID: first.id)
        #expect(try await Self.messageFrames(in: first) == 1, "a resend waiting for its receipt is not written again")

        let second = await coordinator.openSession(agentID: "ada", presence: "available", receipts: true)
        await coordinator.handle(envelope, from: Self.peer)
        try await coordinator.perform(.received(conversationID: "c1", sequence: 1), agentID: "ada")
        #expect(await harness.recorder.wait { $0.sent.contains { $0.message == .ack(Ack(ackedID: id, outcome: .accepted)) } })
        await coordinator.closeSession(agentID: "ada", sessionID: second.id)
        #expect(try await Self.messageFrames(in: second) == 1, "held for the next session, written once")
        #expect(await Self.acks(harness.recorder, of: id) == 1)
    }

    /// The `message` frames a closed session was given, none of them waiting on a socket write.
    private static func messageFrames(in session: AgentSession) async throws -> Int {
        try await withTimeout(.seconds(5), "the session's frames") {
            var count = 0
            for await item in session.outbound {
                switch item {
                case .frame(.object(let fields)) where fields["type"] == "message": count += 1
                case .frameThen: count += 100  // a write receipt: not for a session with receipts
                default: break
                }
            }
            return count
        }
    }

    /// Messages an accepted offer carried (decisions §57) are delivered as messages are: a
    /// session with receipts awaits `received` for each, holds the unreceived ones for the
    /// next session, and answers the distributor nothing (the accept was its receipt).
    @Test(.timeLimit(.minutes(1))) func carriedMessagesAwaitTheirReceiptAndAnUnreceivedOneGoesToTheNextSession() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        func customer(_ text: String) -> InboundMessage {
            InboundMessage(
                channelInstanceID: "custom-main", channelType: "custom", providerMessageID: text, customerAddress: "cust-1",
                text: text, receivedAtMs: 1_700_000_000_000)
        }
        let first = await harness.coordinator.openSession(agentID: "ada", presence: "available", receipts: true)
        let offer = Offer(
            offerID: "o1", conversationID: "c1", agentID: "ada", queue: "billing", workStream: "custom-stream",
            expiresAtMs: 1_800_000_000_000, kind: .push,
            messages: [OfferedMessage(sequence: 1, message: customer("one")), OfferedMessage(sequence: 2, message: customer("two"))])
        await harness.coordinator.handle(Envelope(id: MessageID(prefix: 4, counter: 10), message: .offer(offer)), from: Self.peer)
        _ = try await harness.coordinator.perform(.reply(offerID: "o1", .accept), agentID: "ada")
        #expect(await harness.recorder.wait { !$0.reliable.isEmpty })
        let replyID = try #require(await harness.recorder.reliable.first?.id)
        await harness.coordinator.handle(
            Envelope(id: MessageID(prefix: 4, counter: 11), message: .ack(Ack(ackedID: replyID, outcome: .accepted))), from: Self.peer)
        _ = try await harness.coordinator.perform(.received(conversationID: "c1", sequence: 1), agentID: "ada")
        await harness.coordinator.closeSession(agentID: "ada", sessionID: first.id)

        let second = await harness.coordinator.openSession(agentID: "ada", presence: "available", receipts: true)
        var again: [JSONValue] = []
        for await item in second.outbound {
            guard case .frame(.object(let fields)) = item, fields["type"] == "message" else { continue }
            again.append(fields["sequence"] ?? .null)
            if fields["sequence"] == .integer(2) { break }
        }
        #expect(again == [.integer(2)], "only the one the first session did not receive")
        let offerID = MessageID(prefix: 4, counter: 10)
        let acks = await harness.recorder.sent.compactMap { if case .ack(let ack) = $0.message { ack.ackedID } else { nil } }
        #expect(acks == [offerID], "the Offer's Ack only: none for a carried message")
    }
}
