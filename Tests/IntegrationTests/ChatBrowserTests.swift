import AgentClient
import Foundation
import SwitchboardTestSupport
import Testing

/// Live chat in a real browser (issue 6 item 4, spec I2): headless chromium opens the widget
/// served by ingress-chat, fills the pre-chat form, sends a message; the agent gets the
/// conversation in the queue the typed pre-chat answer chose, replies, and the reply appears
/// in the page.
@Suite(.serialized) struct ChatBrowserTests {
    static let parts: [RunningSystem.Part] = [.router, .presence, .distributor1, .distributor2, .ingressChat]

    @Test(
        .enabled(if: HeadlessBrowser.executable != nil, "skipped: chromium is not installed (scripts/install-system-packages.sh installs it)"),
        .timeLimit(.minutes(2)))
    func aVisitorChatsWithAnAgentFromTheWidget() async throws {
        let system = try RunningSystem(chat: true)
        var browser: HeadlessBrowser?
        do {
            try system.start(Self.parts)
            try await system.waitHealthy(Self.parts)
            let ada = TestAgent("ada", secret: "ada-secret", system: system, autoAccept: true)
            try await ada.connect()
            try await Task.sleep(for: .milliseconds(500))  // distributors see ada available

            let opened = try HeadlessBrowser(opening: system.chatWidgetURL)
            browser = opened
            try await opened.withPage(startingWith: system.chatWidgetURL) { page in
                try await page.waitUntil("document.title === 'Northwind test chat'", "the page's title")
                try await page.waitUntil(
                    "document.getElementById('sb-prechat') && !document.getElementById('sb-prechat').hidden && document.querySelector('[data-field=\"orderTotal\"]')",
                    "the pre-chat form built from the work stream's context variables")
                _ = try await page.evaluate("""
                    (function () {
                      document.getElementById('sb-name').value = 'Grace Visitor';
                      document.getElementById('sb-email').value = 'grace@example.com';
                      document.querySelector('[data-field="topic"]').value = 'a big order';
                      document.querySelector('[data-field="orderTotal"]').value = '1500';
                      document.getElementById('sb-start').click();
                      return true;
                    })()
                    """)
                try await page.waitUntil("!document.getElementById('sb-composer').hidden", "the conversation view after start")
                try await Self.send("Hello, is anyone there?", on: &page)
                try await page.waitUntil("document.querySelectorAll('.sb-message').length === 1 && !document.querySelector('.sb-pending')",
                    "the message acknowledged (stored)")
            }

            // orderTotal 1500 is a number ≥ 1000: the billing queue (a text value would be absent and fall back to support).
            try await ada.waitFor("the chat offered from billing and accepted") { events in
                events.contains { if case .offerReplied(_, true, _) = $0 { true } else { false } }
            }
            let offer = try #require(ada.offers.first)
            #expect(offer.queue == "billing")
            try await ada.session.reply(conversationID: offer.conversationID, text: "Hi Grace, Ada here. How can I help?", clientMessageID: "r-1")

            try await opened.withPage(startingWith: system.chatWidgetURL) { page in
                try await page.waitUntil(
                    "document.getElementById('sb-transcript').innerText.includes('Hi Grace, Ada here. How can I help?')", "the agent's reply in the page")
                #expect(try await page.evaluate("document.querySelector('.sb-agentJoined').innerText") as? String == "Ada Lovelace joined the chat")
                #expect(try await page.evaluate("document.querySelector('.sb-reply .sb-author').innerText") as? String == "Ada Lovelace")
                try await Self.send("Thanks, I want to change the address.", on: &page)
            }
            try await ada.waitFor("the visitor's follow-up") { events in
                events.contains { if case .message(let message) = $0 { message.text == "Thanks, I want to change the address." } else { false } }
            }
            #expect(ada.offers.count == 1, "the follow-up joined the conversation")
            ada.disconnect()
        } catch {
            Issue.record("\(error)\n\(system.logTails())\n--- chromium\n\(browser?.log.suffix(3000) ?? "")")
        }
        await browser?.stop()
        await system.stopAll()
    }

    /// Types `text` into the widget and presses Send.
    static func send(_ text: String, on page: inout DevToolsPage) async throws {
        let literal = String(decoding: try JSONSerialization.data(withJSONObject: [text]), as: UTF8.self)
        _ = try await page.evaluate("""
            (function () {
              document.getElementById('sb-text').value = \(literal)[0];
              document.getElementById('sb-send').click();
              return true;
            })()
            """)
    }
}
