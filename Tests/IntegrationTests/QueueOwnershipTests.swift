import AgentClient
import Foundation
import SwitchboardTestSupport
import Testing

/// Issue 4, item 6: queues spread over several distributor processes, one owner per queue at
/// a time, and a queue handed to another process when its owner dies.
@Suite(.serialized) struct QueueOwnershipTests {
    static let everything: [RunningSystem.Part] = [.router, .presence, .distributor1, .distributor2, .ingressCustom]

    func withSystem(_ body: (RunningSystem) async throws -> Void) async throws {
        let system = try RunningSystem()
        do {
            try system.start(Self.everything)
            try await system.waitHealthy(Self.everything)
            try await body(system)
        } catch {
            Issue.record("\(error)\n\(system.logTails())")
        }
        await system.stopAll()
    }

    @Test func aSecondDistributorAnnouncingAnOwnedQueueIsRefusedAndStops() async throws {
        try await withSystem { system in
            let standby = try system.startDistributor(name: "distributor-standby", queues: ["support"], httpPort: try FreePorts.allocate(1)[0])
            let status = try await system.exitStatus(of: standby, within: .seconds(20))
            #expect(status != 0, "a refused distributor stops with a failure status")
            let log = system.log(named: "distributor-standby")
            #expect(log.contains("router refused queues support (owned by distributor-2)"), "\(log)")

            // The owner keeps its queue: a support conversation still reaches an agent.
            let grace = TestAgent("grace", secret: "grace-secret", system: system, autoAccept: true)
            try await grace.connect()
            let answer = try await system.postMessage(messageID: "after-refusal", customer: "c-1", text: "hello")
            #expect(answer.status == 202)
            try await grace.waitFor("the support conversation, from distributor-2") { events in
                events.contains { if case .offerReplied(_, true, _) = $0 { true } else { false } }
            }
            grace.disconnect()
        }
    }

    @Test func aStandbyTakesOverTheQueueOfAKilledDistributorAndTheOtherQueueIsUntouched() async throws {
        try await withSystem { system in
            let ada = TestAgent("ada", secret: "ada-secret", system: system, autoAccept: true)
            let grace = TestAgent("grace", secret: "grace-secret", system: system, autoAccept: true)
            try await ada.connect()
            try await grace.connect()

            try await system.kill9(.distributor2)  // owned `support`
            let routerHealth = "http://127.0.0.1:\(system.ports.routerHTTP)/healthz"
            try await withTimeout(.seconds(15), "the router sees support unowned") {
                while !((try? await system.get(routerHealth).body) ?? "").contains("\"queues.unowned\":\"picks,quick,support\"") {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }

            // While support has no owner: its conversation waits in the router's journal; billing,
            // owned by the living distributor-1, goes on.
            #expect(try await system.postMessage(messageID: "to-support", customer: "c-support", text: "hello").status == 202)
            #expect(try await system.postMessage(
                messageID: "to-billing", customer: "c-billing", text: "my invoice", context: ["topic": "invoice"]).status == 202)
            try await ada.waitFor("the billing conversation while support has no owner") { events in
                events.contains { if case .offerReplied(_, true, _) = $0 { true } else { false } }
            }
            let pending = try await system.get(routerHealth).body
            #expect(pending.contains("\"deliveries.pending\":\"1\""), "support's delivery is kept: \(pending)")

            try system.startDistributor(name: "distributor-standby", queues: ["support"], httpPort: try FreePorts.allocate(1)[0])
            let agents = [ada, grace]
            try await withTimeout(.seconds(30), "both conversations Active") {
                while Set(agents.flatMap(\.activeConversations)).count < 2 { try await Task.sleep(for: .milliseconds(50)) }
            }
            try await Task.sleep(for: .milliseconds(500))  // time for a duplicate to show up
            let active = agents.flatMap(\.activeConversations)
            #expect(active.count == 2 && Set(active).count == 2, "each conversation Active once: \(active)")
            #expect(system.log(named: "distributor-standby").contains("router accepted our queues"))
            ada.disconnect()
            grace.disconnect()
        }
    }
}
