import Foundation
import Messaging
import Testing
import Wire

@testable import Router

/// How a registering distributor's pending deliveries go out (found by `switchboard chaos
/// --rate 300`, decisions §22): in a window of `pendingWindow` unanswered, and from one
/// sender per queue however often the distributor says Ready.
@Suite(.timeLimit(.minutes(2)))
struct PendingDeliveriesPacingTests {
    /// No resend within a test (a resent copy would blur the counts), no peer dies.
    static let settings = LinkSettings(
        heartbeatInterval: .milliseconds(200), missedHeartbeatsBeforeDead: 1_000,
        resend: .init(acknowledgementTimeout: .seconds(120), maximumTimeout: .seconds(120)))
    /// How long the test waits for deliveries that should not come: the router sends a
    /// delivery in well under a millisecond, so more than this would have been sent by then.
    static let quietPeriod: Duration = .milliseconds(500)

    @Test func aDistributorThatDoesNotAnswerGetsAWindowOfPendingDeliveriesThenTheRestOnceItAcks() async throws {
        let pendingCount = RouterService.pendingWindow + 150
        try await withPendingDeliveries(pendingCount) { run, harness, deliveries in
            let distributor = try await harness.peer("distributor-2", to: run.endpoints.distributor)
            try await distributor.send(.ready(Ready(distributor: "distributor-2", queues: ["support"])))
            try await eventually("a window of deliveries at distributor-2") {
                await distributor.all { $0.deliver }.count >= RouterService.pendingWindow
            }
            try await Task.sleep(for: Self.quietPeriod)
            let window = await distributor.all { $0.deliver?.0 }
            #expect(window.count == RouterService.pendingWindow)

            for id in window {
                try await distributor.send(.deliverAck(DeliverAck(ackedID: id, outcome: .accepted)))
            }
            try await eventually("the rest once the window is answered") {
                await distributor.all { $0.deliver }.count >= pendingCount
            }
            try await Task.sleep(for: Self.quietPeriod)
            let all = await distributor.all { $0.deliver?.1.message.providerMessageID }
            #expect(all.count == pendingCount)
            #expect(Set(all) == deliveries)
            await distributor.close()
        }
    }

    @Test func aDistributorThatSaysReadyAgainGetsEachPendingDeliveryOnce() async throws {
        // Within one window: all of them go out without an ack.
        let pendingCount = RouterService.pendingWindow - 100
        let readyCount = 5
        try await withPendingDeliveries(pendingCount) { run, harness, deliveries in
            let distributor = try await harness.peer("distributor-2", to: run.endpoints.distributor)
            // The same process saw the router come back, several times: every Ready is accepted again.
            let ready = Ready(distributor: "distributor-2", queues: ["support"], instanceID: "distributor-2-first-start")
            for _ in 0..<readyCount {
                try await distributor.send(.ready(ready))
            }
            try await eventually("every Ready answered and every pending delivery at distributor-2") {
                let answered = await distributor.all { $0.readyAccepted }.count
                let delivered = Set(await distributor.all { $0.deliver?.1.message.providerMessageID }).count
                return answered == readyCount && delivered == pendingCount
            }
            try await Task.sleep(for: Self.quietPeriod)
            let received = await distributor.all { $0.deliver?.1.message.providerMessageID }
            let timesSent = Dictionary(grouping: received) { $0 }.mapValues(\.count)
            let repeated = timesSent.filter { $0.value > 1 }
            #expect(Set(received) == deliveries)
            #expect(repeated.count == 0, "up to \(timesSent.values.max() ?? 0) times each, e.g. \(repeated.keys.sorted().prefix(3))")
            await distributor.close()
        }
    }

    /// A distributor restarted under the same routing id before the router saw it die: the
    /// old process's unanswered window must not hold back the new one's deliveries until the
    /// link's resend timer (two minutes here).
    @Test func aDistributorRestartedUnderTheSameIDGetsItsPendingDeliveriesAtOnce() async throws {
        let pendingCount = RouterService.pendingWindow + 150
        try await withPendingDeliveries(pendingCount) { run, harness, deliveries in
            let first = try await harness.peer("distributor-2", to: run.endpoints.distributor)
            try await first.send(.ready(Ready(distributor: "distributor-2", queues: ["support"], instanceID: "first-run")))
            try await eventually("a window of deliveries at the first run") {
                await first.all { $0.deliver }.count >= RouterService.pendingWindow
            }
            await first.close()  // killed with its window unanswered

            let second = try await harness.peer("distributor-2", to: run.endpoints.distributor)
            try await second.send(.ready(Ready(distributor: "distributor-2", queues: ["support"], instanceID: "second-run")))
            try await eventually("a window of deliveries at the second run") {
                await second.all { $0.deliver }.count >= RouterService.pendingWindow
            }
            for id in await second.all({ $0.deliver?.0 }) {
                try await second.send(.deliverAck(DeliverAck(ackedID: id, outcome: .accepted)))
            }
            try await eventually("every pending delivery at the second run") {
                Set(await second.all { $0.deliver?.1.message.providerMessageID }) == deliveries
            }
            await second.close()
        }
    }

    /// Runs a router holding `count` deliveries pending for queue support (nobody owns it
    /// yet), then `body` with it and their provider message ids; stops it on every way out.
    private func withPendingDeliveries(
        _ count: Int, _ body: (RouterHarness.Run, RouterHarness, Set<String>) async throws -> Void
    ) async throws {
        let harness = try RouterHarness()
        let run = try await harness.start(linkSettings: Self.settings)
        var failure: (any Error)?
        do {
            let ingress = try await harness.peer("ingress-chat", to: run.endpoints.ingress)
            var providerIDs = Set<String>()
            for index in 0..<count {
                // No customer tier: queue support.
                let provider = "pending-\(index)"
                try await ingress.send(RouterHarness.submit(provider: provider, customer: "visitor-\(index)"))
                providerIDs.insert(provider)
            }
            try await eventually("\(count) SubmitAcks", within: .seconds(30)) {
                await ingress.all { $0.submitAck }.count == count
            }
            await ingress.close()
            try await body(run, harness, providerIDs)
        } catch {
            failure = error
        }
        try? await run.stop()
        await harness.shutDown()
        if let failure { throw failure }
    }
}
