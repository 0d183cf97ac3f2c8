import AgentClient
import Foundation
import SwitchboardTestSupport
import Testing

/// Issue 3: one conversation from a signed webhook to an agent across the real processes,
/// each a separate executable on loopback, and the SIGKILL/restart promises of each hop.
@Suite(.serialized) struct WalkingSkeletonTests {
    static let everything: [RunningSystem.Part] = [.router, .presence, .distributor1, .distributor2, .ingressCustom]

    /// Starts the whole system, runs `body`, and always ends every process it started.
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

    @Test func aSignedWebhookBecomesAnActiveConversationAndTheFollowUpReachesTheAgent() async throws {
        try await withSystem { system in
            let ada = TestAgent("ada", secret: "ada-secret", system: system)
            try await ada.connect()
            try await Task.sleep(for: .milliseconds(500))  // distributors see ada available

            let first = try await system.postMessage(messageID: "m-1", customer: "cust-1", text: "About my invoice", context: ["topic": "invoice 42"])
            #expect(first.status == 202, "\(first.body)")
            try await ada.waitFor("an offer") { events in events.contains { if case .offer = $0 { true } else { false } } }
            let offer = try #require(ada.offers.first)
            #expect(offer.queue == "billing")  // the rule on `topic` sent it there
            try await ada.session.accept(offerID: offer.offerID)
            try await ada.waitFor("Active") { events in
                events.contains { if case .offerReplied(offer.conversationID, true, _) = $0 { true } else { false } }
            }

            let followUp = try await system.postMessage(messageID: "m-2", customer: "cust-1", text: "Any news?")
            #expect(followUp.status == 202)
            try await ada.waitFor("the follow-up") { events in
                events.contains { if case .message(let message) = $0 { message.text == "Any news?" && message.conversationID == offer.conversationID } else { false } }
            }
            #expect(ada.offers.count == 1, "the follow-up joins the conversation, it is not a new offer")
            ada.disconnect()
        }
    }

    @Test func aForgedSignatureIsRefusedAndNothingIsRouted() async throws {
        try await withSystem { system in
            let grace = TestAgent("grace", secret: "grace-secret", system: system)
            try await grace.connect()
            let forged = try await system.postMessage(messageID: "m-forged", customer: "cust-9", text: "hi", secret: "not-the-secret")
            #expect(forged.status == 403)
            let genuine = try await system.postMessage(messageID: "m-genuine", customer: "cust-10", text: "hello")
            #expect(genuine.status == 202)
            // The genuine one (sent after) is offered; the forged one never is.
            try await grace.waitFor("the genuine offer") { events in events.contains { if case .offer = $0 { true } else { false } } }
            try await Task.sleep(for: .seconds(1))
            #expect(grace.offers.count == 1)
            grace.disconnect()
        }
    }

    @Test func messagesHeldByTheAdapterWhileTheRouterIsKilledArriveOnceEach() async throws {
        try await withSystem { system in
            let ada = TestAgent("ada", secret: "ada-secret", system: system, autoAccept: true)
            let grace = TestAgent("grace", secret: "grace-secret", system: system, autoAccept: true)
            try await ada.connect()
            try await grace.connect()

            try await system.kill9(.router)
            for index in 1...3 {
                let answer = try await system.postMessage(messageID: "held-\(index)", customer: "held-customer-\(index)", text: "message \(index)")
                #expect(answer.status == 202, "the adapter stores and answers while the router is down")
            }
            try system.start(.router)
            try await system.waitHealthy([.router])

            let agents = [ada, grace]
            try await withTimeout(.seconds(30), "three conversations Active") {
                while Set(agents.flatMap(\.activeConversations)).count < 3 { try await Task.sleep(for: .milliseconds(50)) }
            }
            try await Task.sleep(for: .seconds(1))  // time for any duplicate to show up
            let active = agents.flatMap(\.activeConversations)
            #expect(active.count == 3 && Set(active).count == 3, "each held message became exactly one conversation: \(active)")
            ada.disconnect()
            grace.disconnect()
        }
    }

    @Test func aKilledDistributorGetsItsQueueBackAfterARestart() async throws {
        try await withSystem { system in
            let grace = TestAgent("grace", secret: "grace-secret", system: system, autoAccept: true)
            try await grace.connect()
            try await system.kill9(.distributor2)  // owns `support`
            let answer = try await system.postMessage(messageID: "while-distributor-down", customer: "patient", text: "hello?")
            #expect(answer.status == 202)
            try await Task.sleep(for: .seconds(1))
            #expect(grace.offers.isEmpty)

            try system.start(.distributor2)
            try await grace.waitFor("the conversation once its queue has an owner again", within: .seconds(30)) { events in
                events.contains { if case .offerReplied(_, true, _) = $0 { true } else { false } }
            }
            #expect(Set(grace.activeConversations).count == 1)
            grace.disconnect()
        }
    }

    @Test func aKilledPresenceComesBackWithAgentsAbleToWork() async throws {
        try await withSystem { system in
            try await system.kill9(.presence)
            try system.start(.presence)
            try await system.waitHealthy([.presence])
            let grace = TestAgent("grace", secret: "grace-secret", system: system, autoAccept: true)
            try await grace.connect()
            try await Task.sleep(for: .milliseconds(500))
            let answer = try await system.postMessage(messageID: "after-presence-restart", customer: "c-p", text: "hi")
            #expect(answer.status == 202)
            try await grace.waitFor("Active after the presence restart", within: .seconds(30)) { events in
                events.contains { if case .offerReplied(_, true, _) = $0 { true } else { false } }
            }
            grace.disconnect()
        }
    }

    @Test func everyProcessStopsGracefullyOnSIGTERMWithinTheLimit() async throws {
        try await withSystem { system in
            for part in Self.everything {
                let took = try await system.terminate(part, within: .seconds(15))
                #expect(took < .seconds(15), "\(part.rawValue) took \(took)")
            }
        }
    }
}
