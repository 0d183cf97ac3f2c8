import Testing
@testable import SwitchboardCore

/// W2/W3 rule evaluation: every operator, case-insensitivity, absent values, nesting,
/// order, fallback, wrong-type values.
@Suite struct RoutingRulesTests {
    static func workStream(_ rules: [RoutingRule], channelType: ChannelType = .chat) -> WorkStream {
        WorkStream(
            name: "web", channelType: channelType, channels: ["web-chat"], capacity: 1, persistentChat: false,
            autoCloseAfterInactivity: nil, distribution: .push, allowedPresences: [.available],
            selectFromPush: false, agentAffinity: false, wrapUpCapacity: .always,
            contextVariables: [
                ContextVariable(displayName: "Tier", name: "tier", type: .text, nameIsDerived: false),
                ContextVariable(displayName: "Total", name: "total", type: .number, nameIsDerived: false),
            ],
            routingRules: rules, fallbackQueue: "support")
    }

    static func text(_ variable: String, _ op: ComparisonOperator, _ value: String? = nil) -> Condition {
        .comparison(Comparison(
            variable: variable, variableType: .text, isChannelData: variable.contains("."), op: op,
            value: value.map { .text($0) } ?? .none))
    }

    static func number(_ op: ComparisonOperator, _ value: Double) -> Condition {
        .comparison(Comparison(variable: "total", variableType: .number, isChannelData: false, op: op, value: .number(value)))
    }

    /// Whether `condition` holds for a context with these values.
    static func holds(_ condition: Condition, _ context: [String: RoutingValue], channelData: [String: String] = [:]) -> Bool {
        let rules = CompiledRoutingRules(workStream: workStream([RoutingRule(name: "r", condition: condition, queue: "vip")]))
        return rules.route(context: context, channelData: channelData).decision.queue == "vip"
    }

    struct TextCase: Sendable, CustomTestStringConvertible {
        let op: ComparisonOperator
        let constant: String?
        let value: String?  // nil = absent
        let expected: Bool
        var testDescription: String { "\(value.map { "'\($0)'" } ?? "absent") \(op) \(constant ?? "")" }
    }

    static let textCases: [TextCase] = [
        .init(op: .equals, constant: "Gold", value: "gold", expected: true),
        .init(op: .equals, constant: "gold", value: "GOLD", expected: true),
        .init(op: .equals, constant: "gold", value: "golden", expected: false),
        .init(op: .equals, constant: "gold", value: nil, expected: false),
        .init(op: .notEquals, constant: "gold", value: "GOLD", expected: false),
        .init(op: .notEquals, constant: "gold", value: "silver", expected: true),
        .init(op: .notEquals, constant: "gold", value: nil, expected: true),
        .init(op: .contains, constant: "OL", value: "gold", expected: true),
        .init(op: .contains, constant: "x", value: "gold", expected: false),
        .init(op: .contains, constant: "", value: "gold", expected: true),
        .init(op: .contains, constant: "o", value: nil, expected: false),
        .init(op: .notContains, constant: "OL", value: "gold", expected: false),
        .init(op: .notContains, constant: "x", value: "gold", expected: true),
        .init(op: .notContains, constant: "x", value: nil, expected: true),
        .init(op: .beginsWith, constant: "GO", value: "gold", expected: true),
        .init(op: .beginsWith, constant: "ld", value: "gold", expected: false),
        .init(op: .beginsWith, constant: "g", value: nil, expected: false),
        .init(op: .endsWith, constant: "LD", value: "gold", expected: true),
        .init(op: .endsWith, constant: "go", value: "gold", expected: false),
        .init(op: .endsWith, constant: "d", value: nil, expected: false),
        .init(op: .isEmpty, constant: nil, value: "", expected: true),
        .init(op: .isEmpty, constant: nil, value: nil, expected: true),
        .init(op: .isEmpty, constant: nil, value: "gold", expected: false),
        .init(op: .isNotEmpty, constant: nil, value: "gold", expected: true),
        .init(op: .isNotEmpty, constant: nil, value: "", expected: false),
        .init(op: .isNotEmpty, constant: nil, value: nil, expected: false),
        .init(op: .equals, constant: "ÉCOLE", value: "école", expected: true),
    ]

    @Test(arguments: textCases)
    func textOperator(_ testCase: TextCase) {
        let context: [String: RoutingValue] = testCase.value.map { ["tier": .text($0)] } ?? [:]
        #expect(Self.holds(Self.text("tier", testCase.op, testCase.constant), context) == testCase.expected)
    }

    struct NumberCase: Sendable, CustomTestStringConvertible {
        let op: ComparisonOperator
        let constant: Double
        let value: Double?
        let expected: Bool
        var testDescription: String { "\(value.map { "\($0)" } ?? "absent") \(op) \(constant)" }
    }

    static let numberCases: [NumberCase] = [
        .init(op: .eq, constant: 5, value: 5, expected: true), .init(op: .eq, constant: 5, value: 6, expected: false),
        .init(op: .eq, constant: 5, value: nil, expected: false),
        .init(op: .ne, constant: 5, value: 6, expected: true), .init(op: .ne, constant: 5, value: 5, expected: false),
        .init(op: .ne, constant: 5, value: nil, expected: true),
        .init(op: .lt, constant: 5, value: 4, expected: true), .init(op: .lt, constant: 5, value: 5, expected: false),
        .init(op: .lt, constant: 5, value: nil, expected: false),
        .init(op: .le, constant: 5, value: 5, expected: true), .init(op: .le, constant: 5, value: 5.5, expected: false),
        .init(op: .le, constant: 5, value: nil, expected: false),
        .init(op: .gt, constant: 5, value: 6, expected: true), .init(op: .gt, constant: 5, value: 5, expected: false),
        .init(op: .gt, constant: 5, value: nil, expected: false),
        .init(op: .ge, constant: 5, value: 5, expected: true), .init(op: .ge, constant: 5, value: 4.9, expected: false),
        .init(op: .ge, constant: 5, value: nil, expected: false),
    ]

    @Test(arguments: numberCases)
    func numberOperator(_ testCase: NumberCase) {
        let context: [String: RoutingValue] = testCase.value.map { ["total": .number($0)] } ?? [:]
        #expect(Self.holds(Self.number(testCase.op, testCase.constant), context) == testCase.expected)
    }

    @Test func betweenIsInclusiveAndFalseWhenAbsent() {
        let between = Condition.comparison(Comparison(
            variable: "total", variableType: .number, isChannelData: false, op: .between, value: .range(100...500)))
        #expect(Self.holds(between, ["total": .number(100)]))
        #expect(Self.holds(between, ["total": .number(500)]))
        #expect(Self.holds(between, ["total": .number(250)]))
        #expect(!Self.holds(between, ["total": .number(99.99)]))
        #expect(!Self.holds(between, ["total": .number(501)]))
        #expect(!Self.holds(between, [:]))
    }

    @Test func channelDataVariablesAreTextAndCaseInsensitive() {
        let values = ChannelDataVariables.values(
            channelID: "web-chat", channelType: "chat", customerAddress: "visitor-1", customerDisplayName: nil,
            raw: ["chat.locale": "de-CH", "channel.id": "forged"])
        #expect(Self.holds(Self.text("chat.locale", .beginsWith, "DE"), [:], channelData: values))
        #expect(Self.holds(Self.text("channel.id", .equals, "WEB-CHAT"), [:], channelData: values))
        #expect(Self.holds(Self.text("customer.displayName", .isEmpty), [:], channelData: values))
        // A context value cannot impersonate channel data.
        #expect(!Self.holds(Self.text("chat.pageUrl", .isNotEmpty), ["chat.pageUrl": .text("x")], channelData: values))
    }

    @Test func nestedAllAnyNot() {
        // all(tier == gold, any(total > 1000, not(locale begins with en)))
        let condition = Condition.all([
            Self.text("tier", .equals, "gold"),
            .any([Self.number(.gt, 1000), .not(Self.text("chat.locale", .beginsWith, "en"))]),
        ])
        #expect(Self.holds(condition, ["tier": .text("Gold"), "total": .number(2000)], channelData: ["chat.locale": "en-GB"]))
        #expect(Self.holds(condition, ["tier": .text("gold"), "total": .number(10)], channelData: ["chat.locale": "fr"]))
        #expect(!Self.holds(condition, ["tier": .text("gold"), "total": .number(10)], channelData: ["chat.locale": "en"]))
        #expect(!Self.holds(condition, ["tier": .text("silver"), "total": .number(2000)]))
        #expect(Self.holds(.not(.not(Self.text("tier", .isNotEmpty))), ["tier": .text("x")]))
    }

    @Test func firstMatchWinsSoAnEarlierBroaderRuleShadowsALaterOne() {
        let rules = CompiledRoutingRules(workStream: Self.workStream([
            RoutingRule(name: "big", condition: Self.number(.gt, 100), queue: "billing"),
            RoutingRule(name: "huge", condition: Self.number(.gt, 1000), queue: "vip"),
        ]))
        let decision = rules.route(context: ["total": .number(5000)], channelData: [:]).decision
        #expect(decision == RoutingDecision(queue: "billing", ruleName: "big"))
        #expect(!decision.isFallback)
    }

    @Test func noMatchTakesTheFallbackQueue() {
        let rules = CompiledRoutingRules(workStream: Self.workStream([
            RoutingRule(name: "gold", condition: Self.text("tier", .equals, "gold"), queue: "vip")
        ]))
        let decision = rules.route(context: ["tier": .text("bronze")], channelData: [:]).decision
        #expect(decision == RoutingDecision(queue: "support", ruleName: nil))
        #expect(decision.isFallback)
        #expect(CompiledRoutingRules(workStream: Self.workStream([])).route(context: [:], channelData: [:]).decision.isFallback)
    }

    @Test func aWrongTypeValueIsAbsentAndReported() {
        let rules = CompiledRoutingRules(workStream: Self.workStream([
            RoutingRule(name: "gold", condition: Self.text("tier", .equals, "5"), queue: "vip"),
            RoutingRule(name: "no-total", condition: Self.number(.ne, 1), queue: "billing"),
        ]))
        let result = rules.route(
            context: ["tier": .number(5), "total": .text("1"), "undeclared": .text("ignored")], channelData: [:])
        #expect(result.decision == RoutingDecision(queue: "billing", ruleName: "no-total"))
        #expect(result.context.issues == [
            RoutingValueIssue(variable: "tier", expected: .text, kind: .wrongType(found: .number)),
            RoutingValueIssue(variable: "total", expected: .number, kind: .wrongType(found: .text)),
        ])
        #expect(result.context.namedValues(layout: rules.layout).isEmpty)
    }

    @Test func aNonFiniteNumberIsAbsentAndReported() {
        let result = CompiledRoutingRules(workStream: Self.workStream([
            RoutingRule(name: "any-total", condition: Self.number(.ge, 0), queue: "vip")
        ])).route(context: ["total": .number(.nan)], channelData: [:])
        #expect(result.decision.isFallback)
        #expect(result.context.issues.map(\.kind) == [.notFinite])
    }

    @Test func compiledVariablesAreSlotIndexes() {
        let rules = CompiledRoutingRules(workStream: Self.workStream([
            RoutingRule(name: "gold", condition: Self.text("chat.locale", .equals, "DE"), queue: "vip")
        ]))
        guard let slot = rules.layout.slot(of: "chat.locale") else {
            Issue.record("chat.locale has no slot")
            return
        }
        #expect(rules.rules.first?.condition == .text(slot: slot, .equals("de")))
        #expect(rules.layout.slot(of: "sms.to") == nil)  // not a chat channel-data variable
    }

    @Test func routingTableCompilesEveryWorkStreamOfTheShippedConfiguration() throws {
        let configuration = try ConfigurationFixture.load(ConfigurationFixture.shipped()).get().configuration
        let table = RoutingTable(configuration: configuration)
        for workStream in configuration.workStreams {
            #expect(table.rules(forWorkStream: workStream.name)?.fallbackQueue == workStream.fallbackQueue)
        }
    }
}
