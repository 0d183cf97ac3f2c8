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
        .init(op: .contains, constant: "", value: "", expected: true),
        .init(op: .contains, constant: "", value: nil, expected: false),
        .init(op: .equals, constant: "", value: "", expected: true),
        .init(op: .beginsWith, constant: "", value: "gold", expected: true),
        .init(op: .endsWith, constant: "gold", value: "old", expected: false),  // constant longer than the value
        .init(op: .contains, constant: "golden", value: "gold", expected: false),
        .init(op: .contains, constant: "ld", value: "gold", expected: true),  // at the very end
        .init(op: .contains, constant: "gol", value: "ggol", expected: true),  // after a false start
        // Non-ASCII text folds to lower case too, on both sides.
        .init(op: .equals, constant: "ÉCOLE", value: "école", expected: true),
        .init(op: .notEquals, constant: "ÉCOLE", value: "école", expected: false),
        .init(op: .contains, constant: "ÉC", value: "l'École", expected: true),
        .init(op: .notContains, constant: "ÉC", value: "l'École", expected: false),
        .init(op: .beginsWith, constant: "ÉCO", value: "école", expected: true),
        .init(op: .endsWith, constant: "ÖL", value: "Heizöl", expected: true),
        .init(op: .equals, constant: "ΑΘΗΝΑ", value: "αθηνα", expected: true),
        .init(op: .contains, constant: "🙂", value: "hi 🙂!", expected: true),
        .init(op: .equals, constant: "école", value: "ecole", expected: false),  // an accent is not case
        // Canonically equivalent texts are equal: "e" + combining acute is "é".
        .init(op: .equals, constant: "E\u{301}COLE", value: "école", expected: true),
        .init(op: .beginsWith, constant: "é", value: "e\u{301}cole", expected: true),
        .init(op: .beginsWith, constant: "e", value: "e\u{301}cole", expected: false),
        // Matching is by Unicode scalar: a scalar sequence without a precomposed form is split.
        .init(op: .beginsWith, constant: "Q", value: "q\u{301}", expected: true),
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
            customerLocale: "de-CH",
            raw: ["chat.pageUrl": "https://shop.example.test/Orders", "channel.id": "forged", "customer.locale": "forged"])
        #expect(values == [
            "channel.id": "web-chat", "channel.type": "chat", "customer.address": "visitor-1", "customer.locale": "de-CH",
            "chat.pageUrl": "https://shop.example.test/Orders",
        ])
        #expect(Self.holds(Self.text("customer.locale", .beginsWith, "DE"), [:], channelData: values))
        #expect(Self.holds(Self.text("chat.pageUrl", .contains, "/orders"), [:], channelData: values))
        #expect(Self.holds(Self.text("channel.id", .equals, "WEB-CHAT"), [:], channelData: values))
        #expect(Self.holds(Self.text("customer.displayName", .isEmpty), [:], channelData: values))
        #expect(Self.holds(Self.text("chat.origin", .isEmpty), [:], channelData: values))
        // A context value cannot impersonate channel data.
        #expect(!Self.holds(Self.text("chat.origin", .isNotEmpty), ["chat.origin": .text("x")], channelData: values))
    }

    @Test func nestedAllAnyNot() {
        // all(tier == gold, any(total > 1000, not(locale begins with en)))
        let condition = Condition.all([
            Self.text("tier", .equals, "gold"),
            .any([Self.number(.gt, 1000), .not(Self.text("customer.locale", .beginsWith, "en"))]),
        ])
        #expect(Self.holds(condition, ["tier": .text("Gold"), "total": .number(2000)], channelData: ["customer.locale": "en-GB"]))
        #expect(Self.holds(condition, ["tier": .text("gold"), "total": .number(10)], channelData: ["customer.locale": "fr"]))
        #expect(!Self.holds(condition, ["tier": .text("gold"), "total": .number(10)], channelData: ["customer.locale": "en"]))
        #expect(!Self.holds(condition, ["tier": .text("silver"), "total": .number(2000)]))
        #expect(Self.holds(.not(.not(Self.text("tier", .isNotEmpty))), ["tier": .text("x")]))
        // not(any(a, b)) == all(not a, not b), with an absent value in play.
        let neither = Condition.not(.any([Self.text("tier", .equals, "gold"), Self.number(.gt, 1000)]))
        #expect(Self.holds(neither, ["tier": .text("silver")]))
        #expect(!Self.holds(neither, ["total": .number(1001)]))
        // A deep nesting still short-circuits to the right answer.
        var deep = Self.text("tier", .equals, "gold")
        for level in 0..<12 {
            switch level % 3 {
            case 0: deep = .not(.not(deep))
            case 1: deep = .all([deep])
            default: deep = .any([.not(Self.text("tier", .isNotEmpty)), deep])
            }
        }
        #expect(Self.holds(deep, ["tier": .text("GOLD")]))
        #expect(!Self.holds(deep, ["tier": .text("silver")]))
        #expect(Self.holds(deep, [:]))  // absent tier: the innermost any's "not isNotEmpty" holds
    }

    @Test func laterRulesAreTriedWhenAnEarlierOneFailsInsideANestedCondition() {
        let gold = Self.text("tier", .equals, "gold")
        let rules = CompiledRoutingRules(workStream: Self.workStream([
            RoutingRule(name: "gold-big", condition: .all([gold, .any([Self.number(.gt, 1000), Self.number(.lt, 0)])]), queue: "vip"),
            RoutingRule(name: "not-gold", condition: .not(gold), queue: "billing"),
            RoutingRule(name: "gold", condition: gold, queue: "returns"),
        ]))
        func rule(_ tier: String, _ total: Double) -> String? {
            rules.route(context: ["tier": .text(tier), "total": .number(total)], channelData: [:]).decision.ruleName
        }
        #expect(rule("gold", 5000) == "gold-big")
        #expect(rule("gold", -1) == "gold-big")
        #expect(rule("silver", 5000) == "not-gold")
        #expect(rule("Gold", 5) == "gold")
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

    /// The operators that hold for an absent value (configuration.md, "At routing time").
    static let holdWhenAbsent: Set<ComparisonOperator> = [.isEmpty, .notEquals, .notContains, .ne]

    static func comparison(_ op: ComparisonOperator) -> Condition {
        switch op.operandType {
        case .text: text("tier", op, op.takesValue ? "gold" : nil)
        case .number where op == .between:
            .comparison(Comparison(variable: "total", variableType: .number, isChannelData: false, op: .between, value: .range(1...9)))
        case .number: number(op, 5)
        }
    }

    @Test(arguments: ComparisonOperator.allCases)
    func anAbsentOrWrongTypeValueFollowsTheDocumentedTable(_ op: ComparisonOperator) {
        let rules = CompiledRoutingRules(workStream: Self.workStream([RoutingRule(name: "r", condition: Self.comparison(op), queue: "vip")]))
        let expected = Self.holdWhenAbsent.contains(op)
        #expect(!rules.route(context: [:], channelData: [:]).decision.isFallback == expected)
        // A value of the other type is dropped, reported, and then routes exactly like an absent one.
        let wrong: [String: RoutingValue] = op.operandType == .text ? ["tier": .number(5)] : ["total": .text("5")]
        let result = rules.route(context: wrong, channelData: [:])
        #expect(!result.decision.isFallback == expected)
        #expect(result.context.issues.count == 1)
        #expect(result.context.issues.first?.expected == op.operandType)
        // A context built by hand may hold the other type in a slot (tier is slot 0, total 1): absent too.
        #expect(!rules.evaluate(RoutingContext(values: [.number(5), .text("5")])).isFallback == expected)
    }

    @Test func aContextWithFewerValuesThanSlotsTreatsTheMissingOnesAsAbsent() {
        let rules = CompiledRoutingRules(workStream: Self.workStream([
            RoutingRule(name: "gold", condition: Self.text("tier", .equals, "gold"), queue: "vip"),
            RoutingRule(name: "no-total", condition: Self.number(.ne, 1), queue: "billing"),
        ]))
        #expect(rules.evaluate(RoutingContext(values: [])) == RoutingDecision(queue: "billing", ruleName: "no-total"))
        #expect(rules.evaluate(RoutingContext(values: [.text("GOLD")])) == RoutingDecision(queue: "vip", ruleName: "gold"))
    }

    @Test func aNonFiniteNumberIsAbsentAndReported() {
        let result = CompiledRoutingRules(workStream: Self.workStream([
            RoutingRule(name: "any-total", condition: Self.number(.ge, 0), queue: "vip")
        ])).route(context: ["total": .number(.nan)], channelData: [:])
        #expect(result.decision.isFallback)
        #expect(result.context.issues.map(\.kind) == [.notFinite])
    }

    @Test func compiledVariablesAreSlotIndexes() throws {
        let rules = CompiledRoutingRules(workStream: Self.workStream([
            RoutingRule(name: "gold", condition: Self.text("customer.locale", .equals, "DE"), queue: "vip"),
            RoutingRule(name: "not-not", condition: .not(Self.text("tier", .notEquals, "x")), queue: "vip"),
        ]))
        let slot = try #require(rules.layout.slot(of: "customer.locale"))
        let program = rules.program
        // One node per comparison, the constant folded once; `not` and `notEquals` are swapped targets.
        #expect(program.nodes.count == 2)
        let first = try #require(program.nodes.first), last = try #require(program.nodes.last)
        #expect(first.test == .textEquals)
        #expect(Int(first.slot) == slot)
        #expect(Array(program.constants[first.constantStart..<(first.constantStart + first.constantCount)]) == Array("de".utf8))
        #expect(Int(first.onTrue) == RuleProgram.terminal(0))
        // Each rule runs on its own (its guard let it): false ends it, "failed" (the rule count).
        #expect(Int(first.onFalse) == RuleProgram.terminal(2))
        #expect(program.ruleEntries == [0, 1])
        #expect(Int(last.onTrue) == RuleProgram.terminal(1))  // not(notEquals) = equals
        #expect(Int(last.onFalse) == RuleProgram.terminal(2))
        #expect(rules.layout.slot(of: "sms.to") == nil)  // not a chat channel-data variable
    }

    @Test func numberOperatorsCompileToOneInclusiveRangeEach() throws {
        let rules = CompiledRoutingRules(workStream: Self.workStream(
            [ComparisonOperator.lt, .le, .eq, .ne, .ge, .gt].map { RoutingRule(name: "\($0)", condition: Self.number($0, 5), queue: "vip") }))
        let ranges = rules.program.nodes.map { $0.low...$0.high }
        #expect(ranges == [-.infinity...5.0.nextDown, -.infinity...5, 5...5, 5...5, 5...Double.infinity, 5.0.nextUp...Double.infinity])
        // The strict bounds are exact: the neighbours of 5 fall on the right side.
        #expect(Self.holds(Self.number(.lt, 5), ["total": .number(5.0.nextDown)]))
        #expect(!Self.holds(Self.number(.lt, 5), ["total": .number(5)]))
        #expect(Self.holds(Self.number(.gt, 5), ["total": .number(5.0.nextUp)]))
        #expect(!Self.holds(Self.number(.gt, 5), ["total": .number(5)]))
        #expect(Self.holds(Self.number(.gt, -0.0), ["total": .number(.leastNonzeroMagnitude)]))
        #expect(!Self.holds(Self.number(.lt, 0), ["total": .number(-0.0)]))
    }

    @Test func routingTableCompilesEveryWorkStreamOfTheShippedConfiguration() throws {
        let configuration = try ConfigurationFixture.load(ConfigurationFixture.shipped()).get().configuration
        let table = RoutingTable(configuration: configuration)
        for workStream in configuration.workStreams {
            #expect(table.rules(forWorkStream: workStream.name)?.fallbackQueue == workStream.fallbackQueue)
        }
    }
}
