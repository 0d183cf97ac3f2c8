import AgentClient
import AsyncHTTPClient
import Foundation
import SwitchboardTestSupport
import Testing

/// Issue 5 over the real processes: reject and re-offer, time-out then away, a pick race,
/// affinity for a returning customer, auto-close of a Waiting conversation (and R1 after it),
/// and a distributor killed mid-offer.
@Suite(.serialized) struct DistributionLifecycleTests {
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

    static func offers(_ events: [AgentEvent]) -> [AgentEvent.Offer] {
        events.compactMap { if case .offer(let offer) = $0 { offer } else { nil } }
    }

    static func accepted(_ events: [AgentEvent]) -> [String] {
        events.compactMap { if case .offerReplied(let id, true, _) = $0 { id } else { nil } }
    }

    /// The agent's chosen presence, read over the agent HTTP API.
    static func presence(of agent: String, secret: String, system: RunningSystem) async throws -> String {
        var request = HTTPClientRequest(url: "http://\(system.presenceHTTP)/agent/state")
        request.headers.add(name: "Authorization", value: "Bearer \(agent):\(secret)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 16)
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
        return object?["presence"] as? String ?? ""
    }

    @Test func aRejectedOfferGoesToTheNextAgentAndNotBackAfterMaxDeclines() async throws {
        try await withSystem { system in
            let ada = TestAgent("ada", secret: "ada-secret", system: system)
            let grace = TestAgent("grace", secret: "grace-secret", system: system)
            try await ada.connect()
            try await grace.connect()
            #expect(try await system.postMessage(messageID: "r-1", customer: "c-reject", text: "hi", channel: "mobile-lifecycle").status == 202)
            try await withTimeout(.seconds(15), "the first offer") {
                while Self.offers(ada.all).isEmpty && Self.offers(grace.all).isEmpty { try await Task.sleep(for: .milliseconds(25)) }
            }
            let (first, second) = Self.offers(ada.all).isEmpty ? (grace, ada) : (ada, grace)
            let offer = try #require(Self.offers(first.all).first)
            try await first.session.reject(offerID: offer.offerID)
            try await second.waitFor("the re-offer to the other agent") { events in
                Self.offers(events).contains { $0.conversationID == offer.conversationID }
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(Self.offers(first.all).filter { $0.conversationID == offer.conversationID }.count == 1, "maxDeclines 1: not offered again")
            ada.disconnect()
            grace.disconnect()
        }
    }

    @Test func aTimedOutOfferSetsTheAgentAwayAndIsWithdrawn() async throws {
        try await withSystem { system in
            let grace = TestAgent("grace", secret: "grace-secret", system: system)
            try await grace.connect()
            _ = try await system.postMessage(messageID: "t-1", customer: "c-timeout", text: "hello?", channel: "mobile-lifecycle")
            try await grace.waitFor("the offer") { !Self.offers($0).isEmpty }
            try await grace.waitFor("the withdrawal after 2 s", within: .seconds(15)) { events in
                events.contains { if case .offerWithdrawn(_, "expired") = $0 { true } else { false } }
            }
            try await withTimeout(.seconds(5), "grace away") {
                while try await Self.presence(of: "grace", secret: "grace-secret", system: system) != "away" {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            grace.disconnect()
        }
    }

    @Test func twoAgentsPickTheSameWorkItemAndOnlyOneGetsIt() async throws {
        try await withSystem { system in
            let ada = TestAgent("ada", secret: "ada-secret", system: system)
            let grace = TestAgent("grace", secret: "grace-secret", system: system)
            try await ada.connect()
            try await grace.connect()
            _ = try await system.postMessage(messageID: "p-1", customer: "c-pick", text: "anyone?", channel: "mobile-pick")
            try await ada.waitFor("the open work item") { events in
                events.contains { if case .workItemAdded("picks", _) = $0 { true } else { false } }
            }
            let conversation = ada.all.compactMap { if case .workItemAdded(_, let id) = $0 { id } else { nil } }.last ?? ""
            try await grace.waitFor("the same work item at grace") { events in
                events.contains { if case .workItemAdded("picks", conversation) = $0 { true } else { false } }
            }
            async let adaPick: Void = ada.session.pick(conversationID: conversation, queue: "picks")
            async let gracePick: Void = grace.session.pick(conversationID: conversation, queue: "picks")
            _ = try await (adaPick, gracePick)
            let results: @Sendable ([AgentEvent]) -> [String] = { events in
                events.compactMap { if case .actionResult("pick", conversation, let outcome, let refusal, _) = $0 { outcome + ":" + refusal } else { nil } }
            }
            try await withTimeout(.seconds(15), "both picks answered") {
                while results(ada.all).isEmpty || results(grace.all).isEmpty { try await Task.sleep(for: .milliseconds(25)) }
            }
            let outcomes = (results(ada.all) + results(grace.all)).sorted()
            #expect(outcomes == ["done:", "refused:alreadyTaken"], "\(outcomes)")
            try await ada.waitFor("the item removed") { events in
                events.contains { if case .workItemRemoved("picks", conversation) = $0 { true } else { false } }
            }
            ada.disconnect()
            grace.disconnect()
        }
    }

    /// Decisions §23: a conversation in WrapUp (no capacity held, `wrapUpCapacity: never`)
    /// when presence is SIGKILLed can still be closed by its agent after the restart.
    @Test func anAgentClosesAWrapUpAfterPresenceWasKilledAndRestarted() async throws {
        try await withSystem { system in
            let ada = TestAgent("ada", secret: "ada-secret", system: system)
            try await ada.connect()
            _ = try await system.postMessage(messageID: "w-1", customer: "c-wrap", text: "thanks, bye", channel: "mobile-pick")
            try await ada.waitFor("the open work item") { events in
                events.contains { if case .workItemAdded("picks", _) = $0 { true } else { false } }
            }
            let conversation = ada.all.compactMap { if case .workItemAdded(_, let id) = $0 { id } else { nil } }.last ?? ""
            let result: @Sendable (String, [AgentEvent]) -> String? = { action, events in
                events.compactMap { if case .actionResult(action, conversation, let outcome, let refusal, let state) = $0 { "\(outcome):\(refusal):\(state)" } else { nil } }.last
            }
            try await ada.session.pick(conversationID: conversation, queue: "picks")
            try await ada.waitFor("the pick done") { result("pick", $0)?.hasPrefix("done") == true }
            try await ada.session.act("wrapUp", conversationID: conversation)
            try await ada.waitFor("the wrap-up done") { result("wrapUp", $0) == "done::WrapUp" }
            ada.disconnect()

            try await system.kill9(.presence)
            try system.start(.presence)
            try await system.waitHealthy([.presence])
            let back = TestAgent("ada", secret: "ada-secret", system: system)
            try await back.connect()
            try await back.session.act("close", conversationID: conversation)
            try await back.waitFor("the close answered", within: .seconds(30)) { result("close", $0) != nil || $0.contains { if case .error = $0 { true } else { false } } }
            #expect(result("close", back.all) == "done::Closed", "\(back.all)")
            back.disconnect()
        }
    }

    @Test func aReturningCustomerGoesBackToTheirAgentAndAQuietConversationAutoClosesThenANewOneStarts() async throws {
        try await withSystem { system in
            let grace = TestAgent("grace", secret: "grace-secret", system: system, autoAccept: true)
            try await grace.connect()
            _ = try await system.postMessage(messageID: "a-1", customer: "c-back", text: "first", channel: "mobile-lifecycle")
            try await grace.waitFor("Active with grace") { !Self.accepted($0).isEmpty }
            let conversation = try #require(Self.accepted(grace.all).first)
            let ada = TestAgent("ada", secret: "ada-secret", system: system, autoAccept: true)
            try await ada.connect()

            try await grace.session.act("hold", conversationID: conversation)
            try await grace.waitFor("Waiting") { events in
                events.contains { if case .actionResult("hold", conversation, "done", _, "Waiting") = $0 { true } else { false } }
            }
            // D4: the customer writes again; grace (not ada) gets it back.
            _ = try await system.postMessage(messageID: "a-2", customer: "c-back", text: "me again", channel: "mobile-lifecycle")
            try await grace.waitFor("Active again with grace") { Self.accepted($0).filter { $0 == conversation }.count == 2 }
            #expect(!Self.accepted(ada.all).contains(conversation))

            // W1: on hold and quiet for 5 s: auto-closed; the next message starts a new conversation (R1).
            try await grace.session.act("hold", conversationID: conversation)
            try await Task.sleep(for: .seconds(7))
            _ = try await system.postMessage(messageID: "a-3", customer: "c-back", text: "new question", channel: "mobile-lifecycle")
            try await withTimeout(.seconds(20), "a new conversation") {
                while !(Self.accepted(grace.all) + Self.accepted(ada.all)).contains(where: { $0 != conversation }) {
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            #expect(system.logTail(.router, lines: 400).contains("conversation closed"))
            ada.disconnect()
            grace.disconnect()
        }
    }

    @Test func aDistributorKilledMidOfferLosesNothingAndAssignsOnce() async throws {
        try await withSystem { system in
            let ada = TestAgent("ada", secret: "ada-secret", system: system)
            try await ada.connect()
            _ = try await system.postMessage(messageID: "k-1", customer: "c-kill", text: "hello", channel: "mobile-app")
            try await ada.waitFor("the offer") { !Self.offers($0).isEmpty }
            let conversation = try #require(Self.offers(ada.all).first?.conversationID)
            try await system.kill9(.distributor2)
            try system.start(.distributor2)
            try await system.waitHealthy([.distributor2])
            // Accept whatever offer of the conversation stands now (the old one, resent, or a new one).
            try await withTimeout(.seconds(30), "Active after the restart") {
                while !Self.accepted(ada.all).contains(conversation) {
                    for offer in Self.offers(ada.all) where offer.conversationID == conversation {
                        try? await ada.session.accept(offerID: offer.offerID)
                    }
                    try await Task.sleep(for: .milliseconds(500))
                }
            }
            try await Task.sleep(for: .seconds(1))
            #expect(Set(Self.accepted(ada.all)) == [conversation], "one conversation, once: \(Self.accepted(ada.all))")
            ada.disconnect()
        }
    }
}
