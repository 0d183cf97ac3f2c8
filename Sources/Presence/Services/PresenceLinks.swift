import Logging
import Messaging
import ServiceLifecycle
import Wire

/// Presence's two sockets as one service (wire.md 5.4–5.6): the ROUTER distributors send
/// Reserve, Release, SnapshotRequest, Offer, OfferWithdrawn and ConversationMessage to, and
/// the PUB that carries every AgentUpdate (the PublisherLink adds the Heartbeat with
/// `last_sequence` each idle interval). A one-second tick runs the grace periods (D7).
public struct PresenceLinks: Service {
    let requests: RouterLink
    let updates: PublisherLink
    let coordinator: PresenceCoordinator
    let tickInterval: Duration
    let logger: Logger

    public init(
        requests: RouterLink, updates: PublisherLink, coordinator: PresenceCoordinator,
        tickInterval: Duration = .seconds(1), logger: Logger
    ) {
        self.requests = requests
        self.updates = updates
        self.coordinator = coordinator
        self.tickInterval = tickInterval
        self.logger = logger
    }

    /// The coordinator's way out through these links. Build the links, then the
    /// coordinator with these outlets, then this service.
    public static func outlets(requests: RouterLink, updates: PublisherLink) -> PresenceOutlets {
        PresenceOutlets(
            publish: { message in try await updates.publish(message) },
            send: { envelope, peer in try await requests.send(envelope, to: PeerID(bytes: peer.bytes)) },
            sendReliably: { envelope, peer in try await requests.sendReliably(envelope, to: PeerID(bytes: peer.bytes)) })
    }

    /// Binds both sockets (health: "links bound" once this returned).
    public func start() async throws {
        try await requests.start()
        try await updates.start()
    }

    public func run() async throws {
        try await start()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await coordinator.handleAll(requests.inbound) }
                group.addTask {
                    for await event in requests.events {
                        switch event {
                        case .peerAlive(let peer): logger.info("distributor connected", metadata: ["peer": "\(peer)"])
                        case .peerDead(let peer): logger.notice("distributor gone", metadata: ["peer": "\(peer)"])
                        }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        do { try await Task.sleep(for: tickInterval) } catch { return }
                        await coordinator.tick()
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        await requests.stop()
        await updates.stop()
    }
}

extension PresenceCoordinator {
    /// Handles the distributors' messages in order. The loop is isolated to the coordinator: in
    /// the task's own closure it switched to the actor and back for every message, two loop
    /// jobs each (decisions §44).
    func handleAll(_ inbound: Inbox<RouterLink.Received>) async {
        for await received in inbound {
            await handle(received.envelope, from: DistributorPeer(bytes: received.peer.bytes))
        }
    }
}
