import Foundation
import Testing
import Wire

@testable import Presence

/// D2/D3 at presence: a queue's open work items reach its members (on connect and live),
/// and nobody else.
@Suite(.timeLimit(.minutes(1))) struct WorkItemsTests {
    let peer = DistributorPeer(bytes: [0xd1])
    let ids = MessageIDGenerator(prefix: 0xd3)

    func items(_ change: WorkItems) -> Envelope { Envelope(id: ids.next(), message: .workItems(change)) }

    static func item(_ id: String, queue: String = "support", since: Int64) -> WorkItem {
        WorkItem(conversationID: id, queue: queue, workStream: "retail-chat", channelType: "chat", waitingSinceMs: since, summary: ["topic": .text("refund")])
    }

    /// Frames (type and text) received so far on a session, without waiting for more.
    static func frames(_ session: AgentSession, count: Int) async -> [String] {
        var texts: [String] = []
        for await item in session.outbound {
            if case .frame(let frame) = item { texts.append(frame.text) }
            if texts.count == count { break }
        }
        return texts
    }

    @Test func membersGetTheListOnConnectAndEveryChangeLiveOthersGetNothing() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        // support's members: grace, linus, margaret (config/switchboard.yaml); ada is not one.
        await harness.coordinator.handle(items(WorkItems(queue: "support", snapshot: true, added: [Self.item("c2", since: 20), Self.item("c1", since: 10)])), from: peer)
        let grace = await harness.coordinator.openSession(agentID: "grace", presence: "available")
        let ada = await harness.coordinator.openSession(agentID: "ada", presence: "available")

        await harness.coordinator.handle(items(WorkItems(queue: "support", added: [Self.item("c3", since: 30)], removed: ["c1"])), from: peer)

        // welcome, three lists (billing, support, vip), presence updates, then the two changes.
        let graceFrames = await Self.frames(grace, count: 8)
        let support = try #require(graceFrames.first { $0.contains(#""type":"workItems""#) && $0.contains(#""queue":"support""#) })
        let c1 = try #require(support.range(of: #""conversationId":"c1""#))
        let c2 = try #require(support.range(of: #""conversationId":"c2""#))
        #expect(c1.lowerBound < c2.lowerBound, "oldest first: \(support)")
        #expect(graceFrames.contains { $0.contains(#""type":"workItemRemoved""#) && $0.contains(#""conversationId":"c1""#) })
        #expect(graceFrames.contains { $0.contains(#""type":"workItemAdded""#) && $0.contains(#""conversationId":"c3""#) })

        let adaFrames = await Self.frames(ada, count: 4)  // welcome + billing, vip lists (both empty)
        #expect(!adaFrames.contains { $0.contains("c1") || $0.contains("c2") || $0.contains("c3") }, "\(adaFrames)")
        let acks = await harness.recorder.sent.compactMap { envelope -> Ack? in
            if case .ack(let ack) = envelope.message { return ack }
            return nil
        }
        #expect(acks.count == 2 && acks.allSatisfy { $0.outcome == .accepted })
    }

    @Test func workItemsForAnUnknownQueueAreRefused() async throws {
        let harness = try PresenceHarness()
        defer { harness.cleanUp() }
        await harness.coordinator.handle(items(WorkItems(queue: "nope", snapshot: true)), from: peer)
        let sent = await harness.recorder.sent
        guard case .ack(let ack)? = sent.last?.message else { Issue.record("no ack: \(sent)"); return }
        #expect(ack.outcome == .rejected(reason: "unknown queue nope"))
    }
}
