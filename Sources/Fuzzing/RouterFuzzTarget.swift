import Foundation
import Logging
import Messaging
import Router
import ServiceLifecycle
import Storage
import SwitchboardCore
import Wire
import ZeroMQ

/// The router's handling of messages that decode (wire.md 5.1–5.3): `RouterService` runs in
/// process on its own loop over a real journal in a temporary folder, and the fuzzer plays
/// its peers over loopback ZeroMQ as they would: `ingress-chat` (Submits, AgentReplyAcks),
/// `distributor-1` and `distributor-2` (which own the two queues and ack every Deliver), and
/// `distributor-x`, a peer no configuration names. Inputs are valid messages of every type
/// each link takes, the same with fields mutated (unknown channels and ids, huge and empty
/// values, names of the wrong kind), any other type on the wrong link, and repeated ids.
///
/// Oracle, after each batch (decisions §20): every input that takes an answer got exactly
/// one (a close or a transfer: one, or none when its sender was not registered, §31), and no
/// other input got one; a Submit is refused exactly when its channel instance is
/// unknown or of another type; the journal grew by exactly the accepted Submits; and the
/// router still answers a control round: each distributor's Ready is accepted, a fresh
/// Submit is accepted and its Deliver reaches `distributor-1`. At the end, every delivery is
/// acknowledged (the owners are alive and ack everything) and every relayed chat reply got
/// its AgentReplyAck back.
struct RouterFuzzTarget: FuzzTarget {
    let name = "router"
    let about = "the router service in process over a real journal: Submits and every distributor message, valid, field-mutated, unknown ids, wrong link"

    static let batchSize = 100
    static let answerWait: Duration = .seconds(10)

    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        try await RouterFuzzRun.run(target: name, seed: seed, iterations: iterations, logger: logger)
    }
}

/// The router in process, its peers and a second reader of its journal.
struct RouterFuzzSystem: InProcessFuzzSystem {
    let host: InProcessService
    var configuration: SwitchboardConfiguration { host.configuration }
    let journal: JournalStore
    let ingress: FuzzPeer
    let distributor1: FuzzPeer
    let distributor2: FuzzPeer
    let rogue: FuzzPeer

    static func start(logger: Logger) async throws -> RouterFuzzSystem {
        var host = try InProcessService(name: "router")
        let peerLoop = host.peerLoop
        let data = try host.directory.data(process: "router")
        let service = try RouterService(
            configuration: host.configuration, dataDirectory: data,
            endpoints: RouterEndpoints(ingress: "tcp://127.0.0.1:*", distributor: "tcp://127.0.0.1:*"), loop: host.serviceLoop, logger: logger)
        host.run(service, logger: logger)
        let endpoints = try await service.boundEndpoints()
        // What the real peers always answer: the adapter acks a relayed reply, an owner a Deliver.
        let ingress = try await FuzzPeer.connect("ingress-chat", to: endpoints.ingress, loop: peerLoop) { envelope in
            guard case .agentReply = envelope.message else { return nil }
            return .agentReplyAck(AgentReplyAck(ackedID: envelope.id, outcome: .accepted, providerMessageID: "sent-\(envelope.id)"))
        }
        let owner: @Sendable (Envelope) -> WireMessage? = { envelope in
            guard case .deliver = envelope.message else { return nil }
            return .deliverAck(DeliverAck(ackedID: envelope.id, outcome: .accepted))
        }
        let distributor1 = try await FuzzPeer.connect(RouterPeerRole.distributor1.routingID, to: endpoints.distributor, loop: peerLoop, answer: owner)
        let distributor2 = try await FuzzPeer.connect(RouterPeerRole.distributor2.routingID, to: endpoints.distributor, loop: peerLoop, answer: owner)
        let rogue = try await FuzzPeer.connect(RouterPeerRole.rogue.routingID, to: endpoints.distributor, loop: peerLoop)
        let journal = try JournalStore(path: data.storePath(JournalStore.fileName))
        return RouterFuzzSystem(
            host: host, journal: journal, ingress: ingress, distributor1: distributor1, distributor2: distributor2, rogue: rogue)
    }

    func peer(_ role: RouterPeerRole) -> FuzzPeer {
        switch role {
        case .ingress: ingress
        case .distributor1: distributor1
        case .distributor2: distributor2
        case .rogue: rogue
        }
    }

    func stop() async {
        for role in RouterPeerRole.allCases { await peer(role).close() }
        await host.stop()
    }
}
