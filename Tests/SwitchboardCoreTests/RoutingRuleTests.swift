import Testing
@testable import SwitchboardCore

/// W3 routing rules and their condition trees.
@Suite struct RoutingRuleTests {
    static let rulePath = "workStreams[0].routingRules[0]"
    static let tier = "- { variable: customerTier, op: equals, value: gold }"
    static let textOps = "equals, notEquals, contains, notContains, beginsWith, endsWith, isEmpty, isNotEmpty"
    static let numberOps = "eq, ne, lt, le, gt, ge, between"

    static let cases: [RuleCase] = [
        RuleCase("rule names unique", [("    fallbackQueue: support\n  - name: sms-stream",
                                        "      - name: vip\n        queue: support\n        condition: { variable: orderTotal, op: gt, value: 1 }\n    fallbackQueue: support\n  - name: sms-stream")],
                 marker: "- name: vip", occurrence: 2, path: "workStreams[0].routingRules[1].name",
                 reason: "routing rule name 'vip' is already used at line {line of - name: vip}; names must be unique in a work stream"),
        RuleCase("rule queue exists", [("queue: billing", "queue: billings")], marker: "queue: billings",
                 path: "\(rulePath).queue", reason: "unknown queue 'billings'; declared queues: billing, support"),
        RuleCase("condition required", [("        condition:\n          all:", "        when:\n          all:")], marker: "- name: vip",
                 path: "\(rulePath).condition", reason: "is required"),
        RuleCase("exactly one kind per node", [("          all:\n", "          variable: customerTier\n          all:\n")], marker: "variable: customerTier",
                 path: "\(rulePath).condition", reason: "a condition is exactly one of all, any, not or a comparison {variable, op, value}; found all and a comparison"),
        RuleCase("all and any in one node", [("          all:\n", "          any: []\n          all:\n")], marker: "any: []",
                 path: "\(rulePath).condition", reason: "a condition is exactly one of all, any, not or a comparison {variable, op, value}; found any and all"),
        RuleCase("empty node", [(tier, "- {}")], marker: "- {}",
                 path: "\(rulePath).condition.all[0]", reason: "a condition is exactly one of all, any, not or a comparison {variable, op, value}; found none of them"),
        RuleCase("all non-empty", [("          all:\n            " + tier + "\n            - { variable: orderTotal, op: between, value: [100, 500] }\n", "          all: []\n")],
                 marker: "all: []", path: "\(rulePath).condition.all", reason: "'all' must list at least one condition"),
        RuleCase("any non-empty inside not", [(tier, "- not: { any: [] }")], marker: "not: { any: [] }",
                 path: "\(rulePath).condition.all[0].not.any", reason: "'any' must list at least one condition"),
        RuleCase("variable declared", [(tier, "- { variable: tier, op: equals, value: gold }")], marker: "variable: tier",
                 path: "\(rulePath).condition.all[0].variable",
                 reason: "unknown variable 'tier'; declare it in this work stream's contextVariables or use one of: customerTier, orderTotal, channel.id, channel.type, customer.address, customer.displayName, customer.locale, chat.pageUrl, chat.origin"),
        RuleCase("channel data of another type", [(tier, "- { variable: sms.to, op: equals, value: \"+1555\" }")], marker: "variable: sms.to",
                 path: "\(rulePath).condition.all[0].variable",
                 reason: "unknown variable 'sms.to'; declare it in this work stream's contextVariables or use one of: customerTier, orderTotal, channel.id, channel.type, customer.address, customer.displayName, customer.locale, chat.pageUrl, chat.origin"),
        RuleCase("number operator on text", [("op: equals, value: gold", "op: gt, value: 3")], marker: "op: gt",
                 path: "\(rulePath).condition.all[0].op", reason: "operator 'gt' is a number operator but variable 'customerTier' is text; text operators: \(textOps)"),
        RuleCase("text operator on number", [("op: between, value: [100, 500]", "op: contains, value: \"1\"")], marker: "op: contains",
                 path: "\(rulePath).condition.all[1].op", reason: "operator 'contains' is a text operator but variable 'orderTotal' is number; number operators: \(numberOps)"),
        RuleCase("value required", [("op: equals, value: gold", "op: equals")], marker: "op: equals }",
                 path: "\(rulePath).condition.all[0].value", reason: "is required for operator 'equals'"),
        RuleCase("value forbidden for isEmpty", [("op: equals, value: gold", "op: isEmpty, value: gold")], marker: "op: isEmpty",
                 path: "\(rulePath).condition.all[0].value", reason: "is not allowed with operator 'isEmpty', which takes no value"),
        RuleCase("number operators need a number", [("op: between, value: [100, 500]", "op: lt, value: lots")], marker: "value: lots",
                 path: "\(rulePath).condition.all[1].value", reason: "must be a number for operator 'lt', got lots"),
        RuleCase("between takes two bounds", [("value: [100, 500]", "value: 100")], marker: "op: between",
                 path: "\(rulePath).condition.all[1].value", reason: "operator 'between' takes a list [low, high] of two numbers, got 100"),
        RuleCase("between bounds are numbers", [("value: [100, 500]", "value: [low, 500]")], marker: "op: between",
                 path: "\(rulePath).condition.all[1].value", reason: "operator 'between' takes two numbers, got [low, 500]"),
        RuleCase("between low not above high", [("value: [100, 500]", "value: [500, 100]")], marker: "op: between",
                 path: "\(rulePath).condition.all[1].value", reason: "the low bound 500 is greater than the high bound 100"),
        RuleCase("text value is a single value", [("value: gold", "value: [gold, silver]")], marker: "[gold, silver]",
                 path: "\(rulePath).condition.all[0].value", reason: "must be a single text value for operator 'equals', got a list"),
        RuleCase("condition is a mapping", [("        condition:\n          all:\n", "        condition: always\n        unused:\n          all:\n")],
                 marker: "condition: always", path: "\(rulePath).condition",
                 reason: "a condition must be a mapping: all, any, not or a comparison {variable, op, value}; got 'always'"),
    ]

    @Test(arguments: cases) func rule(_ ruleCase: RuleCase) throws {
        try ruleCase.check()
    }

    @Test func conditionTreeIsTypedAndResolved() throws {
        let yaml = ConfigurationFixture.valid.replacingOccurrences(of: "            " + Self.tier, with: """
                        - any:
                            - { variable: customerTier, op: equals, value: gold }
                            - not: { variable: customer.locale, op: isEmpty }
            """)
        let configuration = try ConfigurationFixture.load(yaml).get().configuration
        let stream = try #require(configuration.workStream(named: "chat-stream"))
        let rule = try #require(stream.routingRules.first)
        #expect(rule.queue == "billing")
        let expected = Condition.all([
            .any([
                .comparison(Comparison(variable: "customerTier", variableType: .text, isChannelData: false, op: .equals, value: .text("gold"))),
                .not(.comparison(Comparison(variable: "customer.locale", variableType: .text, isChannelData: true, op: .isEmpty, value: .none))),
            ]),
            .comparison(Comparison(variable: "orderTotal", variableType: .number, isChannelData: false, op: .between, value: .range(100...500))),
        ])
        #expect(rule.condition == expected)
    }
}
