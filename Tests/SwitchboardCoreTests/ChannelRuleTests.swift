import Testing
@testable import SwitchboardCore

/// C1/C2 channel instances and secrets by reference.
@Suite struct ChannelRuleTests {
    static let secretByReference = "secrets are given by reference, never as values: write { env: VARIABLE_NAME } and set that environment variable"
    static let identifierRule = "a letter, then letters, digits, '-' or '_', at most 64 characters"
    static let secondSMS = """
      - id: sms-backup
        type: sms
        workStream: sms-stream
        phoneNumber: "+15550002222"
        accountSid: AC00000000000000000000000000000001
        authToken: { env: TWILIO_AUTH_TOKEN }
        publicUrl: https://ingress.example.test/sms
    workStreams:
    """

    static let cases: [RuleCase] = [
        RuleCase("secret given as a value", [("secret: { env: AGENT_ADA_SECRET }", "secret: hunter2")], marker: "secret: hunter2",
                 path: "agents[0].secret", reason: secretByReference),
        RuleCase("secret env name syntax", [("{ env: AGENT_ADA_SECRET }", "{ env: agent-ada }")], marker: "{ env: agent-ada }",
                 path: "agents[0].secret.env", reason: "must be an environment variable name ([A-Z_][A-Z0-9_]*), got 'agent-ada'"),
        RuleCase("secret mapping takes only env", [("{ env: AGENT_ADA_SECRET }", "{ value: abc }")], marker: "{ value: abc }",
                 path: "agents[0].secret.value", reason: "unknown field 'value'; expected one of: env"),
        RuleCase("operator secret required", [("  operatorSecret: { env: OPERATOR_SECRET }\n", "  dataDir: ./data\n")], marker: "dataDir: ./data",
                 path: "system.operatorSecret", reason: "is required"),
        RuleCase("channel id is identifier-like", [("id: web-chat", "id: web chat")], marker: "id: web chat",
                 path: "channels[0].id", reason: "must be an identifier (\(identifierRule)), got 'web chat'"),
        RuleCase("channel ids unique", [("- id: sms-main", "- id: web-chat")], marker: "- id: web-chat", occurrence: 2,
                 path: "channels[1]", reason: "duplicate channel id 'web-chat' (first declared at line {line of - id: web-chat})"),
        RuleCase("per-type required field", [("    publicUrl: https://ingress.example.test/sms\n", "")], marker: "- id: sms-main",
                 path: "channels[1].publicUrl", reason: "is required"),
        RuleCase("fields of another type rejected", [("    authToken:", "    pageId: \"123\"\n    authToken:")], marker: "pageId: \"123\"",
                 path: "channels[1].pageId",
                 reason: "field 'pageId' does not apply to sms channels; they take: phoneNumber, accountSid, authToken, publicUrl, apiBaseUrl"),
        RuleCase("SMS number is E.164", [("phoneNumber: \"+15550002222\"", "phoneNumber: \"555-0002\"")], marker: "phoneNumber",
                 path: "channels[1].phoneNumber", reason: "must be an E.164 phone number like +15550002222, got '555-0002'"),
        RuleCase("Twilio account SID", [("accountSid: AC00000000000000000000000000000001", "accountSid: 12345")], marker: "accountSid",
                 path: "channels[1].accountSid", reason: "must be a Twilio account SID ('AC' and 32 hexadecimal digits), got '12345'"),
        RuleCase("URLs are http(s)", [("publicUrl: https://ingress.example.test/sms", "publicUrl: ftp://ingress.example.test")],
                 marker: "publicUrl", path: "channels[1].publicUrl", reason: "must be an http:// or https:// URL with a host, got 'ftp://ingress.example.test'"),
        RuleCase("URL needs a host", [("publicUrl: https://ingress.example.test/sms", "publicUrl: https:///sms")],
                 marker: "publicUrl", path: "channels[1].publicUrl", reason: "must be an http:// or https:// URL with a host, got 'https:///sms'"),
        RuleCase("chat origins have no path", [("workStream: chat-stream\n", "workStream: chat-stream\n    allowedOrigins: [https://shop.example.test/help]\n")],
                 marker: "allowedOrigins", path: "channels[0].allowedOrigins[0]",
                 reason: "must be an origin (scheme://host[:port]) without a path, got 'https://shop.example.test/help'"),
        RuleCase("channel work stream exists", [("workStream: chat-stream", "workStream: chat-strem")], marker: "workStream: chat-strem",
                 path: "channels[0].workStream", reason: "unknown work stream 'chat-strem'; declared work streams: chat-stream, sms-stream"),
        RuleCase("channel work stream required", [("    workStream: chat-stream\n", "")], marker: "- id: web-chat",
                 path: "channels[0].workStream", reason: "is required"),
        RuleCase("provider identifiers unique per type", [("workStreams:\n", secondSMS + "\n"), ("channels: [sms-main]", "channels: [sms-main, sms-backup]")],
                 marker: "phoneNumber", occurrence: 2, path: "channels[2].phoneNumber",
                 reason: "sms phoneNumber '+15550002222' is already used by channel 'sms-main' (line {line of phoneNumber}); each provider identifier belongs to one channel"),
        RuleCase("numeric page id", [("pageId: \"900000000000001\"", "pageId: northwind")], marker: "pageId: northwind",
                 path: "channels[3].pageId", reason: "must be the numeric Facebook page id, got 'northwind'", base: .shipped),
        RuleCase("whatsapp secret by reference", [("accessToken: { env: WHATSAPP_ACCESS_TOKEN }", "accessToken: EAAG123")],
                 marker: "accessToken: EAAG123", path: "channels[4].accessToken", reason: secretByReference, base: .shipped),
        RuleCase("twitter required fields", [("    consumerSecret: { env: X_CONSUMER_SECRET }\n", "")], marker: "- id: x-support",
                 path: "channels[5].consumerSecret", reason: "is required", base: .shipped),
        RuleCase("custom callback URL", [("callbackUrl: https://app-backend.northwind.example/switchboard/replies", "callbackUrl: app-backend/replies")],
                 marker: "callbackUrl", path: "channels[6].callbackUrl",
                 reason: "must be an http:// or https:// URL with a host, got 'app-backend/replies'", base: .shipped),
    ]

    @Test(arguments: cases) func rule(_ ruleCase: RuleCase) throws {
        try ruleCase.check()
    }

    @Test func providerSettingsAreTypedAndDefaulted() throws {
        let loaded = try ConfigurationFixture.load(ConfigurationFixture.valid).get()
        let sms = try #require(loaded.configuration.channel(id: "sms-main"))
        #expect(sms.type == .sms)
        guard case .sms(let settings) = sms.provider else {
            Issue.record("expected sms settings, got \(sms.provider)")
            return
        }
        #expect(settings.authToken == SecretReference(environmentVariable: "TWILIO_AUTH_TOKEN"))
        #expect(settings.apiBaseUrl.string == "https://api.twilio.com")
        #expect(settings.publicUrl.host == "ingress.example.test")
    }

    @Test func channelDataVariablesAreTheAgreedDottedNamesPerType() {
        #expect(ChannelDataVariables.common == ["channel.id", "channel.type", "customer.address", "customer.displayName", "customer.locale"])
        let specific = Dictionary(uniqueKeysWithValues: ChannelType.allCases.map { ($0, ChannelDataVariables.specific(to: $0)) })
        #expect(specific == [
            .chat: ["chat.pageUrl", "chat.origin"],
            .sms: ["sms.to", "sms.fromCountry", "sms.fromState", "sms.fromCity"],
            .facebook: ["facebook.pageId"],
            .whatsapp: ["whatsapp.phoneNumberId", "whatsapp.displayPhoneNumber", "whatsapp.userId"],
            .twitter: ["twitter.accountId", "twitter.screenName"],
            .custom: [],
        ])
        #expect(ChannelDataVariables.names(for: .sms) == ChannelDataVariables.common + ["sms.to", "sms.fromCountry", "sms.fromState", "sms.fromCity"])
        #expect(ChannelDataVariables.type(of: "customer.locale", on: .custom) == .text)
        #expect(ChannelDataVariables.type(of: "chat.origin", on: .chat) == .text)
        #expect(ChannelDataVariables.type(of: "chat.origin", on: .sms) == nil)
        #expect(ChannelDataVariables.type(of: "chat.locale", on: .chat) == nil)  // replaced by customer.locale
        #expect(ChannelType.allCases.flatMap(ChannelDataVariables.names).allSatisfy { $0.contains(".") })
    }
}
