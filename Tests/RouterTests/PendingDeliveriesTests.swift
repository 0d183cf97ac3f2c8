import Foundation
import Messaging
import Testing
import Wire

@testable import Router

/// A registering distributor's pending deliveries go out in a task of their own (found by
/// `switchboard chaos`): sent from the loop that reads the distributors' messages, they held
/// up every other distributor's Ready and acks until the last one was out — for good when the
/// new owner does not read.
@Suite(.timeLimit(.minutes(2)))
struct PendingDeliveriesTests {
    /// Small queues at the router, large messages: a peer that does not read backs up the
    /// router's sends to it after a few megabytes (the sockets' buffers), so 200 deliveries
    /// of 64 KiB cannot all go out. No resends (they would only queue behind the first
    /// copies) and no deaths within the test: the peers' silence counts for nothing here.
    static let settings = LinkSettings(
        heartbeatInterval: .milliseconds(200), missedHeartbeatsBeforeDead: 1_000,
        resend: .init(acknowledgementTimeout: .seconds(120), maximumTimeout: .seconds(120)), highWaterMark: 4)
    static let pendingCount = 200
    static let text = String(repeating: "x", count: 64 * 1024)

    @Test func anotherDistributorsReadyIsTakenWhileTheNewOwnerDoesNotReadItsPendingDeliveries() async throws {
        let harness = try RouterHarness()
        let run = try await harness.start(linkSettings: Self.settings)
        var failure: (any Error)?
        var slowPeer: TestPeer?
        do {
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
            for index in 0..<Self.pendingCount {
                // No customer tier: queue support, which nobody owns yet.
                try await ingress.send(RouterHarness.submit(provider: "big-\(index)", customer: "visitor-\(index)", text: Self.text))
            }
            try await eventually("\(Self.pendingCount) SubmitAcks", within: .seconds(60)) {
                await ingress.all { $0.submitAck }.count == Self.pendingCount
            }

            // support's new owner reads nothing: the router's sends to it stop at its buffers.
            let slow = try await harness.peer("distributor-2", to: run.endpoints.distributor, reading: false)
            slowPeer = slow
            try await slow.send(.ready(Ready(distributor: "distributor-2", queues: ["support"])))
            try await eventually("distributor-2 registered") { await run.service.registry.owner(ofQueue: "support") != nil }

            // Another distributor announces itself meanwhile: the router must take its Ready.
            let other = try await harness.peer("distributor-1", to: run.endpoints.distributor)
            try await other.send(.ready(Ready(distributor: "distributor-1", queues: ["vip", "billing"])))
            try await eventually("distributor-1 registered while distributor-2's deliveries wait", within: .seconds(20)) {
                await run.service.registry.owner(ofQueue: "billing") != nil
            }

            // Once the slow owner reads, every pending delivery reaches it, and the other gets
            // its answer (sent on the same socket, behind them).
            await slow.startReading()
            try await eventually("every pending delivery at distributor-2", within: .seconds(60)) {
                Set(await slow.all { $0.deliver?.1.message.providerMessageID }).count == Self.pendingCount
            }
            let accepted = try await other.next("ReadyAccepted", within: .seconds(10)) { $0.readyAccepted }
            #expect(accepted.queues == ["vip", "billing"])

            await ingress.close()
            await slow.close()
            await other.close()
        } catch {
            failure = error
        }
        // The router's stop says goodbye to every peer on the same socket: unstuck first.
        await slowPeer?.startReading()
        try? await run.stop()
        await harness.shutDown()
        if let failure { throw failure }
    }
}
