import AgentClient
import Foundation
import SwitchboardTestSupport
import Testing

/// Issue 4, item 5 (R3) over the real processes: provider retries, adapter resends and a
/// router SIGKILL in the middle of a burst change nothing — every message reaches the agent
/// once, in one conversation.
@Suite(.serialized) struct IdempotenceTests {
    static let everything: [RunningSystem.Part] = [.router, .presence, .distributor1, .distributor2, .ingressCustom]

    @Test func aBurstWithARouterKilledInTheMiddleAndEveryWebhookRetriedArrivesOnce() async throws {
        let system = try RunningSystem()
        do {
            try system.start(Self.everything)
            try await system.waitHealthy(Self.everything)
            let grace = TestAgent("grace", secret: "grace-secret", system: system, autoAccept: true)
            try await grace.connect()

            let total = 30
            for index in 1...total {
                if index == total / 2 { try await system.kill9(.router) }  // Submits in flight are lost unacked
                let answer = try await system.postMessage(messageID: "burst-\(index)", customer: "one-customer", text: "burst \(index)")
                #expect(answer.status == 202)
            }
            try system.start(.router)
            try await system.waitHealthy([.router])
            // The provider did not trust our answers and sends everything again.
            for index in 1...total {
                let answer = try await system.postMessage(messageID: "burst-\(index)", customer: "one-customer", text: "burst \(index)")
                #expect(answer.status == 202 && answer.body.contains("\"duplicate\":true"), "\(answer.body)")
            }

            try await grace.waitFor("every message of the burst", within: .seconds(30)) { events in
                let texts = events.compactMap { if case .message(let message) = $0 { message.text } else { nil } }
                return Set(texts).count >= total - 1  // the first message opens the conversation (the offer)
            }
            try await Task.sleep(for: .seconds(1))  // time for a duplicate to show up
            #expect(Set(grace.activeConversations).count == 1, "one conversation: \(grace.activeConversations)")
            let texts = grace.messages.map(\.text)
            #expect(texts.count == Set(texts).count, "no message twice: \(texts)")
            let sequences = grace.messages.map(\.sequence)
            #expect(sequences == sequences.sorted(), "in order: \(sequences)")
            grace.disconnect()
        } catch {
            Issue.record("\(error)\n\(system.logTails())")
        }
        await system.stopAll()
    }
}
