import Messaging
import Testing

@testable import Router

/// Which Ready starts a sender of pending deliveries: one per queue, none again for the same
/// distributor process while its sender runs or after it sent everything.
@Suite struct PendingDeliverySendersTests {
    let peer = PeerID("distributor-1")

    static func idle() -> Task<Void, Never> { Task {} }

    @Test func aRunThatSentEverythingStillCoversTheSameProcess() {
        var senders = PendingDeliverySenders()
        senders.start(queue: "support", to: peer, instanceID: "a") { _ in Self.idle() }
        #expect(senders.covers(queue: "support", to: peer, instanceID: "a"))
        senders.ended(queue: "support", run: 1, completed: true)
        // Everything went out and is in flight: a Ready again must not send it all once more.
        #expect(senders.covers(queue: "support", to: peer, instanceID: "a"))
        // Another process under the same routing id, or another queue, is not covered.
        #expect(!senders.covers(queue: "support", to: peer, instanceID: "b"))
        #expect(!senders.covers(queue: "sales", to: peer, instanceID: "a"))
    }

    @Test func aRunCutShortOrAPeerGoneStartsOverOnTheNextReady() {
        var senders = PendingDeliverySenders()
        senders.start(queue: "support", to: peer, instanceID: "a") { _ in Self.idle() }
        senders.ended(queue: "support", run: 1, completed: false)
        #expect(!senders.covers(queue: "support", to: peer, instanceID: "a"))

        senders.start(queue: "support", to: peer, instanceID: "a") { _ in Self.idle() }
        senders.ended(queue: "support", run: 2, completed: true)
        senders.stop(to: peer)  // the link forgot what was in flight to it
        #expect(!senders.covers(queue: "support", to: peer, instanceID: "a"))
    }

    @Test func anOlderRunEndingLeavesItsReplacementBe() {
        var senders = PendingDeliverySenders()
        senders.start(queue: "support", to: peer, instanceID: "a") { _ in Self.idle() }
        senders.start(queue: "support", to: peer, instanceID: "b") { _ in Self.idle() }
        senders.ended(queue: "support", run: 1, completed: false)
        #expect(senders.covers(queue: "support", to: peer, instanceID: "b"))
    }
}
