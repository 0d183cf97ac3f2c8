import Testing
@testable import SwitchboardCore

/// W1 work streams and W2 context variables.
@Suite struct WorkStreamRuleTests {
    static let cases: [RuleCase] = [
        RuleCase("work stream names unique", [("- name: sms-stream", "- name: chat-stream")], marker: "- name: chat-stream", occurrence: 2,
                 path: "workStreams[1]", reason: "duplicate work stream name 'chat-stream' (first declared at line {line of - name: chat-stream})"),
        RuleCase("channels non-empty", [("channels: [web-chat]", "channels: []")], marker: "channels: []",
                 path: "workStreams[0].channels", reason: "must list at least one channel"),
        RuleCase("listed channel exists", [("channels: [web-chat]", "channels: [web-chat, kiosk]")], marker: "channels: [web-chat, kiosk]",
                 path: "workStreams[0].channels[1]", reason: "unknown channel 'kiosk'; declared channels: sms-main, web-chat"),
        RuleCase("listed channel not twice", [("channels: [web-chat]", "channels: [web-chat, web-chat]")], marker: "channels: [web-chat, web-chat]",
                 path: "workStreams[0].channels[1]", reason: "channel 'web-chat' is listed twice"),
        RuleCase("channel of the work stream's type", [("channels: [web-chat]", "channels: [web-chat, sms-main]")], marker: "channels: [web-chat, sms-main]",
                 path: "workStreams[0].channels[1]", reason: "channel 'sms-main' is of type sms, but this work stream's channelType is chat"),
        RuleCase("channel in one work stream only", [("channels: [web-chat]", "channels: [web-chat, sms-main]")], marker: "channels: [sms-main]",
                 path: "workStreams[1].channels[0]", reason: "channel 'sms-main' is already listed by work stream 'chat-stream'; a channel belongs to exactly one work stream"),
        RuleCase("listed channel names this work stream", [("channels: [web-chat]", "channels: [web-chat, sms-main]")], marker: "channels: [web-chat, sms-main]",
                 path: "workStreams[0].channels[1]", reason: "channel 'sms-main' names work stream 'sms-stream' in its workStream field, not 'chat-stream'"),
        RuleCase("channel's work stream lists it", [("workStream: chat-stream", "workStream: sms-stream")], marker: "workStream: sms-stream",
                 path: "channels[0].workStream", reason: "work stream 'sms-stream' does not list channel 'web-chat' in its channels; add it there too"),
        RuleCase("autoClose not for plain chat", [("capacity: 2\n", "capacity: 2\n    autoCloseAfterInactivity: 30m\n")], marker: "autoCloseAfterInactivity",
                 path: "workStreams[0].autoCloseAfterInactivity",
                 reason: "applies only to sms, social and custom work streams and to persistent chat (persistentChat: true)"),
        RuleCase("persistentChat only for chat", [("capacity: 1\n", "capacity: 1\n    persistentChat: true\n")], marker: "persistentChat",
                 path: "workStreams[1].persistentChat", reason: "applies only to chat work streams; this one's channelType is sms"),
        RuleCase("allowedPresences non-empty", [("allowedPresences: [available]", "allowedPresences: []")], marker: "allowedPresences: []",
                 path: "workStreams[1].allowedPresences", reason: "must list at least one base presence"),
        RuleCase("allowedPresences no duplicates", [("[available, busy]", "[available, busy, busy]")], marker: "[available, busy, busy]",
                 path: "workStreams[0].allowedPresences[2]", reason: "base presence 'busy' is listed twice"),
        RuleCase("allowedPresences are base presences", [("[available, busy]", "[available, In a meeting]")], marker: "In a meeting]",
                 path: "workStreams[0].allowedPresences[1]", reason: "must be one of available, busy, busyDnd, away, offline; got In a meeting"),
        RuleCase("agentAffinity with pick", [("distribution: pick\n", "distribution: pick\n    agentAffinity: false\n")], marker: "agentAffinity",
                 path: "workStreams[1].agentAffinity", reason: "applies only to push work streams; remove it, this work stream uses pick distribution"),
        RuleCase("selectFromPush with pick", [("distribution: pick\n", "distribution: pick\n    selectFromPush: true\n")], marker: "selectFromPush",
                 path: "workStreams[1].selectFromPush", reason: "applies only to push work streams; remove it, this work stream uses pick distribution"),
        RuleCase("wrapUpCapacity duration positive", [("distribution: push\n", "distribution: push\n    wrapUpCapacity: 0m\n")], marker: "wrapUpCapacity",
                 path: "workStreams[0].wrapUpCapacity", reason: "must be a positive duration, got 0m"),
        RuleCase("fallbackQueue required", [("    fallbackQueue: support\n  - name: sms-stream", "  - name: sms-stream")], marker: "- name: chat-stream",
                 path: "workStreams[0].fallbackQueue", reason: "is required"),
        RuleCase("fallbackQueue exists", [("fallbackQueue: support\n  - name: sms-stream", "fallbackQueue: nowhere\n  - name: sms-stream")],
                 marker: "fallbackQueue: nowhere", path: "workStreams[0].fallbackQueue", reason: "unknown queue 'nowhere'; declared queues: billing, support"),
        // W2
        RuleCase("no name derivable", [("{ displayName: Customer tier, type: text }", "{ displayName: \"2nd line\", type: text }")], marker: "2nd line",
                 path: "workStreams[0].contextVariables[0].displayName",
                 reason: "no variable name can be derived from '2nd line'; give one with name: (a letter, then letters and digits)"),
        RuleCase("explicit name syntax", [("name: orderTotal", "name: order_total")], marker: "order_total",
                 path: "workStreams[0].contextVariables[1].name", reason: "must be a variable name ([a-z][A-Za-z0-9]*, at most 64 characters), got 'order_total'"),
        RuleCase("explicit name length", [("name: orderTotal", "name: o\(String(repeating: "t", count: 64))")], marker: "name: ottt",
                 path: "workStreams[0].contextVariables[1].name",
                 reason: "must be a variable name ([a-z][A-Za-z0-9]*, at most 64 characters), got 'o\(String(repeating: "t", count: 64))'"),
        RuleCase("names unique after derivation", [("      - { displayName: Order total", "      - { displayName: customer-TIER, type: text }\n      - { displayName: Order total")],
                 marker: "customer-TIER", path: "workStreams[0].contextVariables[1].displayName",
                 reason: "context variable name 'customerTier' (derived from display name 'customer-TIER') is already used at line {line of Customer tier}; names must be unique in a work stream"),
        RuleCase("explicit names unique", [("name: orderTotal", "name: customerTier")], marker: "name: customerTier",
                 path: "workStreams[0].contextVariables[1].name",
                 reason: "context variable name 'customerTier' is already used at line {line of Customer tier}; names must be unique in a work stream"),
        RuleCase("variable type", [("type: number }", "type: integer }")], marker: "type: integer",
                 path: "workStreams[0].contextVariables[1].type", reason: "must be one of text, number; got integer"),
        RuleCase("displayName required", [("{ displayName: Order total, name: orderTotal, type: number }", "{ name: orderTotal, type: number }")],
                 marker: "{ name: orderTotal", path: "workStreams[0].contextVariables[1].displayName", reason: "is required"),
    ]

    @Test(arguments: cases) func rule(_ ruleCase: RuleCase) throws {
        try ruleCase.check()
    }

    @Test(arguments: [
        ("Customer tier", "customerTier"), ("Order total (USD)", "orderTotalUsd"), ("VIP level", "vipLevel"),
        ("  e-mail address ", "eMailAddress"), ("Topic", "topic"), ("Café owner", "cafOwner"), ("area 51", "area51"),
    ])
    func derivedNames(displayName: String, name: String) {
        #expect(ContextVariable.derivedName(fromDisplayName: displayName) == name)
    }

    @Test(arguments: ["2nd line", "", "(?)", "日本"])
    func underivableNames(displayName: String) {
        #expect(ContextVariable.derivedName(fromDisplayName: displayName) == nil)
    }

    @Test func defaultsFollowTheStreamType() throws {
        var yaml = ConfigurationFixture.valid
        yaml = yaml.replacingOccurrences(of: "distribution: pick", with: "distribution: push")
        let pushed = try ConfigurationFixture.load(yaml).get().configuration
        #expect(pushed.workStream(named: "sms-stream")?.agentAffinity == true, "sms defaults to affinity")
        #expect(pushed.workStream(named: "chat-stream")?.agentAffinity == false, "chat defaults to no affinity")
        let fixture = try ConfigurationFixture.load(ConfigurationFixture.valid).get().configuration
        let pick = try #require(fixture.workStream(named: "sms-stream"))
        #expect(pick.agentAffinity == false && pick.selectFromPush == false)
        let chat = try #require(fixture.workStream(named: "chat-stream"))
        #expect(chat.wrapUpCapacity == .always && chat.persistentChat == false && chat.autoCloseAfterInactivity == nil)
        #expect(chat.allowedPresences == [.available, .busy])
        #expect(chat.contextVariables.map(\.name) == ["customerTier", "orderTotal"])
        #expect(chat.contextVariables.map(\.nameIsDerived) == [true, false])
    }

    @Test func persistentChatMayAutoClose() throws {
        let yaml = ConfigurationFixture.valid.replacingOccurrences(
            of: "capacity: 2\n", with: "capacity: 2\n    persistentChat: true\n    autoCloseAfterInactivity: 1h30m\n    wrapUpCapacity: 5m\n")
        let configuration = try ConfigurationFixture.load(yaml).get().configuration
        let stream = try #require(configuration.workStream(named: "chat-stream"))
        #expect(stream.autoCloseAfterInactivity == .seconds(5_400))
        #expect(stream.wrapUpCapacity == .duration(.seconds(300)))
    }
}
