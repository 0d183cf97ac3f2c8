import Testing
@testable import SwitchboardCore

/// Value types: required fields, integers, booleans, enums, durations, unknown keys, version.
@Suite struct TypeRuleTests {
    static let wsFields = ConfigurationDecoder.workStreamFields.joined(separator: ", ")
    static let ops = "equals, notEquals, contains, notContains, beginsWith, endsWith, isEmpty, isNotEmpty, eq, ne, lt, le, gt, ge, between"

    static let cases: [RuleCase] = [
        RuleCase("version must be 1", [("version: 1", "version: 2")], marker: "version: 2", path: "version",
                 reason: "unsupported version 2; this Switchboard reads version 1"),
        RuleCase("required field missing", [("    capacity: 2\n", "")], marker: "- name: chat-stream",
                 path: "workStreams[0].capacity", reason: "is required"),
        RuleCase("required top-level section missing", [("agents:\n  - id: ada", "people:\n  - id: ada")], marker: "version: 1",
                 path: "agents", reason: "is required"),
        RuleCase("integer expected", [("priority: 1", "priority: high")], marker: "priority: high",
                 path: "queues[0].priority", reason: "must be an integer, got 'high'"),
        RuleCase("positive integer", [("capacity: 2", "capacity: -3")], marker: "capacity: -3",
                 path: "workStreams[0].capacity", reason: "must be a positive integer, got -3"),
        RuleCase("boolean", [("distribution: push\n", "distribution: push\n    selectFromPush: yes\n")], marker: "selectFromPush: yes",
                 path: "workStreams[0].selectFromPush", reason: "must be true or false, got yes"),
        RuleCase("channel type enum", [("type: chat", "type: telegram")], marker: "type: telegram", path: "channels[0].type",
                 reason: "must be one of chat, sms, facebook, whatsapp, twitter, custom; got telegram"),
        RuleCase("later channel types not supported yet", [("type: chat", "type: wechat")], marker: "type: wechat", path: "channels[0].type",
                 reason: "channel type 'wechat' is not supported yet; supported: chat, sms, facebook, whatsapp, twitter, custom"),
        RuleCase("work stream channelType enum", [("channelType: chat", "channelType: records")], marker: "channelType: records",
                 path: "workStreams[0].channelType", reason: "must be one of chat, sms, facebook, whatsapp, twitter, custom; got records"),
        RuleCase("distribution enum", [("distribution: push", "distribution: pull")], marker: "distribution: pull",
                 path: "workStreams[0].distribution", reason: "must be one of push, pick; got pull"),
        RuleCase("operator enum", [("op: equals", "op: is")], marker: "op: is",
                 path: "workStreams[0].routingRules[0].condition.all[0].op", reason: "must be one of \(ops); got is"),
        RuleCase("presence enum", [("[available, busy]", "[available, lunch]")], marker: "[available, lunch]",
                 path: "workStreams[0].allowedPresences[1]", reason: "must be one of available, busy, busyDnd, away, offline; got lunch"),
        RuleCase("assignment enum", [("assignment: roundRobin", "assignment: random")], marker: "assignment: random",
                 path: "queues[1].assignment", reason: "must be one of highestCapacity, roundRobin, mostIdle; got random"),
        RuleCase("onMissedOffer enum", [("assignment: roundRobin", "assignment: roundRobin\n    onMissedOffer: later")],
                 marker: "onMissedOffer: later", path: "queues[1].onMissedOffer", reason: "must be one of keep, away; got later"),
        RuleCase("wrapUpCapacity values", [("distribution: push\n", "distribution: push\n    wrapUpCapacity: sometimes\n")],
                 marker: "wrapUpCapacity: sometimes", path: "workStreams[0].wrapUpCapacity",
                 reason: "must be always, never or a duration like 5m; got sometimes"),
        RuleCase("duration needs a unit", [("assignment: roundRobin", "assignment: roundRobin\n    offerTimeout: 90")],
                 marker: "offerTimeout: 90", path: "queues[1].offerTimeout",
                 reason: "must be a duration with a unit (d, h, m, s), e.g. 90s, 2m, 1h30m or 1d; got 90"),
        RuleCase("duration zero", [("operatorSecret: { env: OPERATOR_SECRET }", "operatorSecret: { env: OPERATOR_SECRET }\n  agentDisconnectGracePeriod: 0s")],
                 marker: "agentDisconnectGracePeriod", path: "system.agentDisconnectGracePeriod", reason: "must be a positive duration, got 0s"),
        RuleCase("dedupe window at least an hour", [("operatorSecret: { env: OPERATOR_SECRET }", "operatorSecret: { env: OPERATOR_SECRET }\n  dedupeWindow: 30m")],
                 marker: "dedupeWindow", path: "system.dedupeWindow",
                 reason: "must be at least 1h: the router would forget conversations an adapter may still resend; got 30m"),
        RuleCase("dedupe window shorter than a provider's retries", [("operatorSecret: { env: OPERATOR_SECRET }", "operatorSecret: { env: OPERATOR_SECRET }\n  dedupeWindow: 2d")],
                 marker: "dedupeWindow", path: "system.dedupeWindow",
                 reason: "is shorter than 7d: WhatsApp retries a webhook for up to 7 days, and a retry after the window opens a new conversation",
                 severity: .warning),
        RuleCase("CPU scheduling names a policy", [("operatorSecret: { env: OPERATOR_SECRET }", "operatorSecret: { env: OPERATOR_SECRET }\n  cpuScheduling: realtime")],
                 marker: "cpuScheduling", path: "system.cpuScheduling", reason: "must be one of batch, normal; got realtime"),
        RuleCase("duration negative", [("assignment: roundRobin", "assignment: roundRobin\n    offerTimeout: -5m")],
                 marker: "offerTimeout: -5m", path: "queues[1].offerTimeout", reason: "must be a positive duration, got -5m"),
        RuleCase("duration units out of order", [("assignment: roundRobin", "assignment: roundRobin\n    offerTimeout: 1m30h")],
                 marker: "offerTimeout: 1m30h", path: "queues[1].offerTimeout",
                 reason: "must be a duration like 90s, 2m, 1h30m or 1d (units d, h, m, s, largest first), got '1m30h'"),
        RuleCase("unknown field", [("    capacity: 2", "    capactiy: 2")], marker: "capactiy: 2", path: "workStreams[0].capactiy",
                 reason: "unknown field 'capactiy' (did you mean 'capacity'?); expected one of: \(wsFields)"),
        RuleCase("unknown top-level field", [("version: 1", "version: 1\ncolour: blue")], marker: "colour: blue", path: "colour",
                 reason: "unknown field 'colour'; expected one of: version, system, processes, presences, channels, workStreams, queues, agents"),
        RuleCase("list expected", [("channels: [web-chat]", "channels: web-chat")], marker: "channels: web-chat",
                 path: "workStreams[0].channels", reason: "must be a list, got 'web-chat'"),
        RuleCase("mapping expected", [("  - name: In a meeting\n    base: busyDnd", "  - In a meeting")], marker: "- In a meeting",
                 path: "presences[0]", reason: "must be a mapping with fields name, base, got 'In a meeting'"),
        RuleCase("empty text", [("name: Ada Lovelace", "name: \"  \"")], marker: "name: \"  \"", path: "agents[0].name",
                 reason: "must not be empty"),
    ]

    @Test(arguments: cases) func rule(_ ruleCase: RuleCase) throws {
        try ruleCase.check()
    }

    @Test func yamlSyntaxErrorHasItsLine() throws {
        let yaml = ConfigurationFixture.valid.replacingOccurrences(of: "capacity: 2", with: "capacity: [2")
        let failure = try #require(failureOf(yaml))
        #expect(failure.code == .malformedYAML)
        let issue = try #require(failure.issues.first)
        #expect(failure.issues.count == 1)
        #expect(issue.reason.hasPrefix("YAML syntax error: "))
        let line = try #require(ConfigurationFixture.line(of: "capacity: [2", in: yaml))
        #expect((line...line + 2).contains(issue.line), "libyaml reports where it noticed: \(issue)")
    }

    @Test func duplicateKeyPointsAtTheRepeat() throws {
        let yaml = ConfigurationFixture.valid.replacingOccurrences(of: "    capacity: 2\n", with: "    capacity: 2\n    capacity: 3\n")
        let failure = try #require(failureOf(yaml))
        let line = try #require(ConfigurationFixture.line(of: "capacity: 3", in: yaml))
        #expect(failure.issues == [ConfigurationIssue(severity: .error, file: "test.yaml", line: line, path: "",
                                                      reason: "YAML syntax error: duplicate key 'capacity' in one mapping")])
    }

    @Test func emptyFileIsAnError() {
        #expect(ConfigurationFixture.errors("").map(\.reason) == [
            "the file is empty; expected a mapping with fields version, system, processes, presences, channels, workStreams, queues, agents",
        ])
    }

    @Test func durationsParse() {
        let cases: [(String, Int64)] = [("90s", 90), ("2m", 120), ("1h30m", 5_400), ("1d", 86_400), ("1d2h3m4s", 93_784)]
        for (text, seconds) in cases {
            #expect(ConfigurationDuration.parse(text) == .seconds(seconds), "\(text)")
        }
        for bad in ["90", "0s", "-5m", "1m30h", "1h1h", "5 minutes", "", "1.5h"] {
            #expect(ConfigurationDuration.parse(bad) == nil, "\(bad)")
        }
        #expect(ConfigurationDuration.format(.seconds(150)) == "2m30s")
        #expect(ConfigurationDuration.format(.seconds(86_400)) == "1d")
    }

    private func failureOf(_ yaml: String) -> ConfigurationError? {
        if case .failure(let failure) = ConfigurationFixture.load(yaml) { return failure }
        return nil
    }
}
