/// Which distributor peer owns which queue (wire.md 5.2): the router's registration state
/// machine, pure so it is tested without sockets. `Peer` is the link's peer id.
///
/// Rules:
/// - A `Ready` is all-or-nothing. It is refused `unknownQueue` when a queue is not in the
///   configuration, else `queueOwned` when a queue is owned by a live peer of *another*
///   distributor name. Any configured queue may be announced: the `distributors:` section
///   says who should own what at start, but a standby or a rebalanced distributor may take
///   a free queue, so ownership is decided here, at run time.
/// - The same distributor name from a new peer (a restart, or a reconnect with a new routing
///   id) replaces the old peer at once: it loses every queue and its registration.
/// - A repeated `Ready` from a registered peer replaces its queue set.
/// - A dead peer's queues become unowned.
/// Only registered peers are live here: the router answers traffic from any other peer
/// with `Disconnect` so that it announces itself again (Majordomo).
public struct QueueOwnershipRegistry<Peer: Hashable & Sendable>: Sendable {
    public struct Registration: Sendable, Hashable {
        public let distributor: String
        public let queues: [String]
    }

    public enum Decision: Sendable, Hashable {
        /// The peer now owns `queues`. `replaced` lost its registration (same distributor,
        /// earlier peer): forget it on the link. `released` are queues the peer announced
        /// before but not now.
        case accepted(queues: [String], replaced: Peer?, released: [String])
        case refused(Refusal)
    }

    public enum Refusal: Sendable, Hashable {
        case unknownQueue(queues: [String])
        case queueOwned(queues: [String], owner: String)
    }

    public let configuredQueues: Set<String>
    private var owners: [String: Peer] = [:]
    private var registrations: [Peer: Registration] = [:]

    public init(configuredQueues: some Sequence<String>) {
        self.configuredQueues = Set(configuredQueues)
    }

    public func owner(ofQueue queue: String) -> Peer? { owners[queue] }
    public func registration(of peer: Peer) -> Registration? { registrations[peer] }
    public func isRegistered(_ peer: Peer) -> Bool { registrations[peer] != nil }
    /// Queues with no owner, sorted.
    public var unownedQueues: [String] { configuredQueues.filter { owners[$0] == nil }.sorted() }

    public mutating func ready(distributor: String, queues announced: [String], from peer: Peer) -> Decision {
        var seen = Set<String>()
        let queues = announced.filter { seen.insert($0).inserted }
        let unknown = queues.filter { !configuredQueues.contains($0) }
        if !unknown.isEmpty { return .refused(.unknownQueue(queues: unknown)) }

        var conflicting: [String] = []
        var conflictingOwner: String?
        for queue in queues {
            guard let owner = owners[queue], owner != peer, let registration = registrations[owner],
                  registration.distributor != distributor
            else { continue }
            conflicting.append(queue)
            conflictingOwner = conflictingOwner ?? registration.distributor
        }
        if let conflictingOwner { return .refused(.queueOwned(queues: conflicting, owner: conflictingOwner)) }

        // Same distributor name on another peer: that peer is replaced (wire.md: the new
        // instance replaces the old).
        let replaced = registrations.first { $0.key != peer && $0.value.distributor == distributor }?.key
        if let replaced { _ = remove(replaced) }
        let released = remove(peer).filter { !queues.contains($0) }
        for queue in queues { owners[queue] = peer }
        registrations[peer] = Registration(distributor: distributor, queues: queues)
        return .accepted(queues: queues, replaced: replaced, released: released)
    }

    /// The peer is gone (missed heartbeats, `Disconnect`): its queues become unowned.
    /// Returns them; empty when the peer was not registered.
    @discardableResult
    public mutating func peerDied(_ peer: Peer) -> [String] { remove(peer) }

    private mutating func remove(_ peer: Peer) -> [String] {
        guard let registration = registrations.removeValue(forKey: peer) else { return [] }
        for queue in registration.queues where owners[queue] == peer {
            owners[queue] = nil
        }
        return registration.queues
    }
}
