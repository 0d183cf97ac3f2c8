import Distributor
import Foundation
import Logging
import Messaging
import ServiceLifecycle
import Storage
import SwitchboardCore
import Synchronization
import Wire
import ZeroMQ

/// `distributor-1` of the fuzz configuration in process, on its own loop, over a real queue
/// state store, connected to a fake router and a fake presence (bound ROUTER sockets) and to
/// presence's update publisher. The fakes answer what the real ones always answer: the router
/// accepts the Ready and acks closes, transfers and replies; presence sends its snapshot (the
/// fuzz agent available, with room for every conversation), grants every reservation, and
/// acks offers, messages, withdrawals, work items and releases.
struct DistributorFuzzSystem: InProcessFuzzSystem {
    let host: InProcessService
    var configuration: SwitchboardConfiguration { host.configuration }
    let store: QueueStateStore
    let distributor: Distributor
    let router: FuzzPeer
    let presence: FuzzPeer
    let publisher: AsyncSocket

    static let name = "distributor-1"
    static let agent = AgentState(agentID: "fuzzer", basePresence: .available, capacityTotal: 100_000, connected: true)

    static func start(logger: Logger) async throws -> DistributorFuzzSystem {
        var host = try InProcessService(name: "distributor")
        let (configuration, peerLoop) = (host.configuration, host.peerLoop)
        let (router, routerEndpoint) = try await FuzzPeer.bind("router", loop: peerLoop, answer: routerAnswer)
        let sequence = Mutex<UInt64>(1)
        let (presence, presenceEndpoint) = try await FuzzPeer.bind("presence", loop: peerLoop) { envelope in
            presenceAnswer(envelope, sequence: sequence.withLock { $0 += 1; return $0 })
        }
        let publisher = try await peerLoop.makeSocket(.pub) { socket in
            try socket.setLinger(.zero)
            try socket.bind("tcp://127.0.0.1:*")
        }
        let settings = try DistributorSettings.resolve(
            configuration: configuration, name: name, routerEndpoint: routerEndpoint, presenceEndpoint: presenceEndpoint,
            updatesEndpoint: try await publisher.lastEndpoint(), http: "127.0.0.1:0")
        let data = try host.directory.data(process: name)
        let store = try QueueStateStore(path: data.storePath(QueueStateStore.fileName))
        let distributor = Distributor(
            settings: settings, configuration: configuration, store: store, loop: host.serviceLoop, ids: MessageIDGenerator(), logger: logger)
        host.run(distributor, logger: logger)
        return DistributorFuzzSystem(
            host: host, store: store, distributor: distributor, router: router, presence: presence, publisher: publisher)
    }

    @Sendable static func routerAnswer(_ envelope: Envelope) -> WireMessage? {
        switch envelope.message {
        case .ready(let ready): .readyAccepted(ReadyAccepted(readyID: envelope.id, queues: ready.queues))
        case .conversationClosed, .conversationTransferred: .ack(Ack(ackedID: envelope.id, outcome: .accepted))
        case .agentReply: .agentReplyAck(AgentReplyAck(ackedID: envelope.id, outcome: .accepted, providerMessageID: "sent-\(envelope.id)"))
        default: nil
        }
    }

    static func presenceAnswer(_ envelope: Envelope, sequence: UInt64) -> WireMessage? {
        switch envelope.message {
        case .snapshotRequest:
            return .snapshotReply(SnapshotReply(requestID: envelope.id, sequence: sequence, agents: [agent]))
        case .reserve(let reserve):
            return .grant(Grant(
                requestID: envelope.id, reservationID: reserve.reservationID, agentID: reserve.agentID,
                conversationID: reserve.conversationID, units: reserve.units, capacityTotal: agent.capacityTotal,
                capacityUsed: reserve.units, sequence: sequence))
        case .release(let release):
            return .releaseAck(ReleaseAck(ackedID: envelope.id, reservationID: release.reservationID, wasHeld: true))
        case .offer, .offerWithdrawn, .conversationMessage, .workItems:
            return .ack(Ack(ackedID: envelope.id, outcome: .accepted))
        default:
            return nil
        }
    }

    func publish(_ message: WireMessage, id: MessageID) async throws {
        try await publisher.send(Multipart(WireCodec.encodePublished(Envelope(id: id, message: message))))
    }

    func stop() async {
        await router.close()
        await presence.close()
        await publisher.close(linger: .zero)
        await host.stop()
    }
}
