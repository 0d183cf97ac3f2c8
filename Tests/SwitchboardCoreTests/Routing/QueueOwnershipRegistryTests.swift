import Testing
@testable import SwitchboardCore

@Suite struct QueueOwnershipRegistryTests {
    typealias Registry = QueueOwnershipRegistry<String>
    static func registry() -> Registry { Registry(configuredQueues: ["vip", "billing", "support", "social"]) }

    @Test func aReadyForConfiguredFreeQueuesIsAccepted() {
        var registry = Self.registry()
        #expect(registry.ready(distributor: "d1", queues: ["vip", "billing", "vip"], from: "peerA")
            == .accepted(queues: ["vip", "billing"], replaced: nil, released: []))
        #expect(registry.owner(ofQueue: "vip") == "peerA")
        #expect(registry.isRegistered("peerA"))
        #expect(registry.unownedQueues == ["social", "support"])
    }

    @Test func anUnknownQueueRefusesTheWholeReady() {
        var registry = Self.registry()
        #expect(registry.ready(distributor: "d1", queues: ["vip", "nope"], from: "peerA") == .refused(.unknownQueue(queues: ["nope"])))
        #expect(registry.owner(ofQueue: "vip") == nil)
        #expect(!registry.isRegistered("peerA"))
    }

    @Test func aQueueOwnedByAnotherLiveDistributorIsRefusedAllOrNothing() {
        var registry = Self.registry()
        _ = registry.ready(distributor: "d1", queues: ["vip", "billing"], from: "peerA")
        #expect(registry.ready(distributor: "d2", queues: ["support", "billing"], from: "peerB")
            == .refused(.queueOwned(queues: ["billing"], owner: "d1")))
        #expect(registry.owner(ofQueue: "support") == nil)
        #expect(!registry.isRegistered("peerB"))
    }

    @Test func aDeadPeersQueuesBecomeFreeForAStandby() {
        var registry = Self.registry()
        _ = registry.ready(distributor: "d1", queues: ["vip"], from: "peerA")
        #expect(registry.peerDied("peerA") == ["vip"])
        #expect(registry.peerDied("peerA") == [])
        #expect(registry.owner(ofQueue: "vip") == nil)
        #expect(registry.ready(distributor: "d2", queues: ["vip"], from: "peerB") == .accepted(queues: ["vip"], replaced: nil, released: []))
    }

    @Test func theSameDistributorFromANewPeerReplacesTheOldOne() {
        var registry = Self.registry()
        _ = registry.ready(distributor: "d1", queues: ["vip", "billing"], from: "peerA")
        #expect(registry.ready(distributor: "d1", queues: ["vip"], from: "peerA2")
            == .accepted(queues: ["vip"], replaced: "peerA", released: []))
        #expect(registry.owner(ofQueue: "vip") == "peerA2")
        #expect(registry.owner(ofQueue: "billing") == nil)
        #expect(!registry.isRegistered("peerA"))
        // The old peer's late death changes nothing.
        #expect(registry.peerDied("peerA") == [])
        #expect(registry.owner(ofQueue: "vip") == "peerA2")
    }

    @Test func aRepeatedReadyFromTheSamePeerReplacesItsQueues() {
        var registry = Self.registry()
        _ = registry.ready(distributor: "d1", queues: ["vip", "billing"], from: "peerA")
        #expect(registry.ready(distributor: "d1", queues: ["vip", "support"], from: "peerA")
            == .accepted(queues: ["vip", "support"], replaced: nil, released: ["billing"]))
        #expect(registry.owner(ofQueue: "billing") == nil)
        #expect(registry.registration(of: "peerA")?.queues == ["vip", "support"])
    }
}
