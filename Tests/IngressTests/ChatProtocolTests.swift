import Foundation
import SwitchboardCore
import Testing
import Wire

@testable import Ingress

/// The chat protocol's pure parts: tokens, frames, the pre-chat form, the Origin rule.
@Suite struct ChatProtocolTests {
    @Test func tokensAreThirtyTwoRandomBytesInBase64URLAndOnlyThatShapeIsAccepted() {
        let token = VisitorToken.random()
        #expect(token.text.count == 43 && VisitorToken(token.text) == token)
        #expect(VisitorToken.random() != token)
        #expect(token.key.count == 64 && token.key.allSatisfy(\.isHexDigit) && token.key == VisitorToken(token.text)?.key)
        let valid = VisitorToken.encode(Array(repeating: 0xfb, count: 32))
        #expect(VisitorToken(valid) != nil)
        for bad in ["", "short", valid + "A", String(valid.dropLast()), valid.replacingOccurrences(of: "-", with: "+"),
            String(valid.dropLast()) + "=", String(repeating: "é", count: 43)]
        {
            #expect(VisitorToken(bad) == nil, "\(bad)")
        }
    }

    @Test func helloKeepsOnlyAWellFormedPageURLAndLocale() throws {
        let good = try ChatClientFrame.decode(#"{"type":"hello","pageUrl":"https://shop.example/a?b=1","locale":"zh-Hant-TW"}"#)
        #expect(good == .hello(.init(token: nil, pageURL: "https://shop.example/a?b=1", locale: "zh-Hant-TW")))
        let bad = try ChatClientFrame.decode(#"{"type":"hello","pageUrl":"javascript:alert(1)","locale":"en_GB; DROP"}"#)
        #expect(bad == .hello(.init(token: nil, pageURL: nil, locale: nil)))
        #expect(ChatClientFrame.isLocale("en") && ChatClientFrame.isLocale("de-CH-1996") && !ChatClientFrame.isLocale("1en"))
        #expect(throws: ChatProtocolError.self) { try ChatClientFrame.decode(#"{"type":"hello","visitorToken":42}"#) }
    }

    /// A visitor is anyone on the web: a frame of 512 nested arrays (1 KB) would have cost the
    /// adapter about 0.5 s of CPU to decode. It is refused before decoding.
    @Test func aFrameNestedTooDeepIsMalformed() {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(throws: ChatProtocolError(.malformed, "a frame nests arrays and objects at most 16 levels deep")) {
            try ChatClientFrame.decode(#"{"type":"start","answers":{"topic":\#(deep)}}"#)
        }
    }

    @Test func clientMessageIdsAreBoundedAndFreeOfTheKeySeparator() {
        #expect(ChatClientFrame.isClientMessageID("3f2a9c1e-77b0-4c1d-9e55-0b1c2d3e4f50"))
        #expect(ChatClientFrame.isClientMessageID(String(repeating: "a", count: 64)))
        for bad in ["", String(repeating: "a", count: 65), "a:b", "a b", "ü"] {
            #expect(!ChatClientFrame.isClientMessageID(bad), "\(bad)")
        }
    }

    static let form = PrechatForm(variables: [
        ContextVariable(displayName: "Order total", name: "orderTotal", type: .number, nameIsDerived: false),
        ContextVariable(displayName: "Topic", name: "topic", type: .text, nameIsDerived: true),
    ])

    @Test func numberAnswersAreParsedAsNumbersAndBlanksAreAbsent() throws {
        let answers = try Self.form.answers(
            name: .string("  Ada "), email: .string(""), answers: .object(["orderTotal": .string(" 1e3 "), "topic": .string("  ")]))
        #expect(answers == PrechatForm.Answers(name: "Ada", email: nil, context: ["orderTotal": .number(1000)]))
        let json = try Self.form.answers(name: nil, email: .null, answers: .object(["orderTotal": .number(12.5), "topic": .string("refund")]))
        #expect(json.context == ["orderTotal": .number(12.5), "topic": .text("refund")])
        #expect(try Self.form.answers(name: nil, email: nil, answers: .object(["orderTotal": .string("")])).context.isEmpty)
    }

    @Test func aBadAnswerNamesItsField() {
        let cases: [(JSONValue?, JSONValue?, JSONValue?, String)] = [
            (nil, nil, .object(["orderTotal": .string("twelve")]), "orderTotal"),
            (nil, nil, .object(["orderTotal": .string("nan")]), "orderTotal"),
            (nil, nil, .object(["orderTotal": .bool(true)]), "orderTotal"),
            (nil, nil, .object(["topic": .number(3)]), "topic"),
            (nil, nil, .object(["topic": .string(String(repeating: "t", count: 1025))]), "topic"),
            (nil, nil, .object(["unknown": .string("x")]), "unknown"),
            (.number(1), nil, nil, "name"),
            (nil, .string("ada@"), nil, "email"),
        ]
        for (name, email, answers, field) in cases {
            do {
                _ = try Self.form.answers(name: name, email: email, answers: answers)
                Issue.record("accepted \(String(describing: answers)) \(String(describing: name)) \(String(describing: email))")
            } catch {
                #expect(error.code == .badAnswer && error.field == field, "\(error)")
            }
        }
    }

    @Test func theOriginRuleAllowsOwnPagesListedSitesAndNonBrowsers() throws {
        let configuration = try TestConfiguration.shipped()
        let channels = ChatChannel.all(in: configuration)
        let web = try #require(channels["web-chat"])
        #expect(web.allows(origins: [], host: "chat.example"), "not from a web page")
        #expect(web.allows(origins: ["ws://localhost"], host: "chat.example"), "what WebSocket libraries send")
        #expect(!web.allows(origins: ["ws://localhost", "https://evil.example"], host: "chat.example"))
        #expect(web.allows(origins: ["ws://localhost", "https://shop.northwind.example"], host: "chat.example"))
        #expect(!web.allows(origins: ["null"], host: "chat.example"))
        #expect(web.allows(origin: "https://shop.northwind.example", host: "chat.example"))
        #expect(web.allows(origin: "https://SHOP.northwind.example:443", host: "chat.example"))
        #expect(!web.allows(origin: "http://shop.northwind.example", host: "chat.example"), "another scheme is another origin")
        #expect(web.allows(origin: "http://127.0.0.1:8080", host: "127.0.0.1:8080"))
        #expect(web.allows(origin: "https://chat.example", host: "chat.example"))
        #expect(web.allows(origin: "http://[::1]:8080", host: "[::1]:8080"))
        #expect(!web.allows(origin: "http://127.0.0.1:8081", host: "127.0.0.1:8080"))
        #expect(!web.allows(origin: "null", host: "chat.example"))
        #expect(!web.allows(origin: "https://evil.example", host: nil))
        let help = try #require(channels["help-center-chat"])
        #expect(help.title == "help-center-chat" && !help.allows(origin: "https://shop.northwind.example", host: "chat.example"))
    }

    @Test func socketPathsNameTheirChannel() {
        #expect(ChatChannelAdapter.socketChannelID("/chat/web-chat/ws") == "web-chat")
        #expect(ChatChannelAdapter.socketChannelID("/chat/web-chat/ws?v=2") == "web-chat")
        for path in ["/chat//ws", "/chat/web-chat", "/chat/a/b/ws", "/other/web-chat/ws", "chat/web-chat/ws"] {
            #expect(ChatChannelAdapter.socketChannelID(path) == nil, "\(path)")
        }
    }

    @Test func storedAnswersKeepTheirTypes() {
        let context: [String: ContextValue] = ["orderTotal": .number(120.5), "topic": .text("invoice"), "count": .number(3)]
        #expect(ChatVisitorStore.context(fromJSON: ChatVisitorStore.json(context)) == context)
        #expect(ChatVisitorStore.context(fromJSON: "not json").isEmpty)
    }
}
