import AgentClient
import Foundation
import SwitchboardTestSupport
import Testing

/// Issue 4, items 2 and 3 over the real processes: typed context from a custom channel,
/// a wrong-type value logged, counted and treated as absent while routing continues.
@Suite(.serialized) struct RoutingIntegrationTests {
    static let everything: [RunningSystem.Part] = [.router, .presence, .distributor1, .distributor2, .ingressCustom]

    @Test func aWrongTypeValueIsCountedAndTheConversationStillRoutesByTheRemainingValues() async throws {
        let system = try RunningSystem()
        do {
            try system.start(Self.everything)
            try await system.waitHealthy(Self.everything)
            let ada = TestAgent("ada", secret: "ada-secret", system: system, autoAccept: false)
            try await ada.connect()

            // `topic` is declared text; 42 is a number: ignored, so billing-topics cannot match
            // and the fallback queue (support) takes it.
            let wrong = try await system.postMessage(messageID: "wrong-type", customer: "c-wrong", text: "hello", context: ["topic": 42])
            #expect(wrong.status == 202, "the customer's message is not refused for a routing value: \(wrong.body)")
            try await ada.waitFor("the offer from the fallback queue") { events in
                events.contains { if case .offer(let offer) = $0 { offer.queue == "support" } else { false } }
            }
            // A well-typed value still routes by the rule.
            _ = try await system.postMessage(messageID: "right-type", customer: "c-right", text: "hi", context: ["topic": "Invoice 7"])
            try await ada.waitFor("the offer from billing") { events in
                events.contains { if case .offer(let offer) = $0 { offer.queue == "billing" } else { false } }
            }

            let metrics = try await system.get("http://127.0.0.1:\(system.ports.routerHTTP)/metrics").body
            #expect(metrics.contains(#"switchboard_router_rule_evaluation_errors_total{work_stream="retail-app"} 1"#), "\(metrics)")
            #expect(metrics.contains(#"switchboard_router_fallbacks_total{work_stream="retail-app"} 1"#))
            #expect(system.logTail(.router, lines: 200).contains("context value ignored for routing"))
            ada.disconnect()
        } catch {
            Issue.record("\(error)\n\(system.logTails())")
        }
        await system.stopAll()
    }
}
