import Testing
@testable import SwitchboardCore

/// Rule guards (RuleGuard, RuleProgram+Guards): the clauses a rule implies, and which rules
/// they let run. That the answers never change is RoutingRulesPropertyTests' job.
@Suite struct RuleGuardTests {
    typealias Rules = RoutingRulesTests
    typealias Literal = RuleGuard.Literal

    static func literal(_ condition: Condition, holds: Bool = true) -> Literal {
        guard case .comparison(let comparison) = condition else { preconditionFailure("not a comparison") }
        return Literal(comparison: comparison, holds: holds)
    }

    @Test func anAllKeepsEveryChildsClauseLikeliestToFailFirst() {
        let gold = Rules.text("tier", .equals, "gold"), over = Rules.number(.ge, 5)
        let ruleGuard = RuleGuard(.all([over, gold]))
        // equals (0.1) before ge (0.5).
        #expect(ruleGuard.clauses == [[Self.literal(gold)], [Self.literal(over)]])
    }

    @Test func negativeOperatorsAndNotBecomeNegatedPositiveLiterals() {
        let gold = Rules.text("tier", .equals, "gold")
        #expect(RuleGuard(Rules.text("tier", .notEquals, "gold")).clauses == [[Self.literal(gold, holds: false)]])
        #expect(RuleGuard(.not(gold)).clauses == [[Self.literal(gold, holds: false)]])
        #expect(RuleGuard(.not(Rules.text("tier", .notEquals, "gold"))).clauses == [[Self.literal(gold)]])
        let empty = Rules.text("tier", .isEmpty)
        #expect(RuleGuard(Rules.text("tier", .isNotEmpty)).clauses == [[Self.literal(empty, holds: false)]])
        #expect(RuleGuard(Rules.number(.ne, 3)).clauses == [[Self.literal(Rules.number(.eq, 3), holds: false)]])
    }

    @Test func notOfAnyIsAnAllOfNegations() {
        let gold = Rules.text("tier", .equals, "gold"), three = Rules.number(.eq, 3)
        #expect(RuleGuard(.not(.any([gold, three]))).clauses
            == [[Self.literal(gold, holds: false)], [Self.literal(three, holds: false)]])
    }

    @Test func anAnyIsOneClauseOfEachChildsLikeliestToFailClause() {
        let gold = Rules.text("tier", .equals, "gold"), over = Rules.number(.ge, 5)
        let silver = Rules.text("tier", .beginsWith, "silv")
        // all(gold, over) implies gold, the less likely of its two.
        let ruleGuard = RuleGuard(.any([.all([over, gold]), silver]))
        #expect(ruleGuard.clauses == [[Self.literal(gold), Self.literal(silver)]])
    }

    @Test func anAnyWithAChildThatAlwaysHoldsHasNoClause() {
        #expect(RuleGuard(.any([Rules.number(.eq, 3), .all([])])).clauses.isEmpty)
        #expect(RuleGuard(.all([])).clauses.isEmpty)
        // An empty any never holds: one empty clause.
        #expect(RuleGuard(.any([])).clauses == [[]])
    }

    @Test func atMostFourClausesAreKeptTheLikeliestToFail() {
        let clauses = [
            Rules.number(.ge, 1), Rules.text("tier", .equals, "a"), Rules.number(.lt, 9),
            Rules.text("tier", .contains, "b"), Rules.text("tier", .notEquals, "c"), Rules.number(.eq, 4),
        ]
        let ruleGuard = RuleGuard(.all(clauses))
        #expect(ruleGuard.clauses.count == RuleGuard.maximumClauses)
        #expect(ruleGuard.clauses == [
            [Self.literal(clauses[1])], [Self.literal(clauses[5])], [Self.literal(clauses[3])], [Self.literal(clauses[0])],
        ])
    }

    /// 150 rules (three words per layer), each `tier equals tier-i` and a shared range:
    /// only the rule of the conversation's tier runs.
    @Test func onlyTheRulesWhoseGuardsHoldRun() throws {
        let rules = (0..<150).map { index in
            RoutingRule(
                name: "rule-\(index)",
                condition: .all([Rules.text("tier", .equals, "tier-\(index)"), Rules.number(.le, Double(index))]),
                queue: "q\(index)")
        }
        let compiled = CompiledRoutingRules(workStream: Rules.workStream(rules))
        // 150 equalities and 150 ranges, tested once each.
        #expect(compiled.program.guards.atoms.count == 300)
        let context = compiled.layout.makeContext(context: ["tier": .text("TIER-130"), "total": .number(7)], channelData: [:])
        #expect(compiled.program.candidates(in: context.folded) == [130])
        #expect(compiled.evaluate(context).ruleName == "rule-130")
        let none = compiled.layout.makeContext(context: ["tier": .text("tier-3"), "total": .number(7)], channelData: [:])
        #expect(compiled.program.candidates(in: none.folded).isEmpty)
        #expect(compiled.evaluate(none).ruleName == nil)
    }

    @Test func aSharedComparisonIsOneAtomAndANegatedOneSetsBitsWhenItFails() throws {
        let english = Rules.text("tier", .equals, "en")
        let rules = [
            RoutingRule(name: "a", condition: .all([english, Rules.number(.eq, 1)]), queue: "q"),
            RoutingRule(name: "b", condition: .all([english, Rules.number(.eq, 2)]), queue: "q"),
            RoutingRule(name: "c", condition: Rules.text("tier", .notEquals, "en"), queue: "q"),
        ]
        let compiled = CompiledRoutingRules(workStream: Rules.workStream(rules))
        #expect(compiled.program.guards.atoms.count == 3)
        let english2 = compiled.layout.makeContext(context: ["tier": .text("en"), "total": .number(2)], channelData: [:])
        #expect(compiled.program.candidates(in: english2.folded) == [1])
        let french = compiled.layout.makeContext(context: ["tier": .text("fr"), "total": .number(2)], channelData: [:])
        #expect(compiled.program.candidates(in: french.folded) == [2])
        #expect(compiled.evaluate(french).ruleName == "c")
    }

    @Test func equalitiesThatFoldAlikeAreOneAtomFoundByHash() throws {
        let rules = [
            RoutingRule(name: "a", condition: Rules.text("tier", .equals, "Gold"), queue: "q"),
            RoutingRule(name: "b", condition: Rules.text("tier", .equals, "silver"), queue: "q"),
            RoutingRule(name: "c", condition: .all([Rules.text("tier", .equals, "GOLD"), Rules.number(.eq, 1)]), queue: "q"),
            RoutingRule(name: "d", condition: Rules.text("tier", .notEquals, "silver"), queue: "q"),
        ]
        let compiled = CompiledRoutingRules(workStream: Rules.workStream(rules))
        // gold, silver (one family on tier) and total = 1.
        #expect(compiled.program.guards.atoms.count == 3)
        #expect(compiled.program.guards.families.count == 1)
        let gold = compiled.layout.makeContext(context: ["tier": .text("gOLD"), "total": .number(1)], channelData: [:])
        #expect(compiled.program.candidates(in: gold.folded) == [0, 2, 3])
        let silver = compiled.layout.makeContext(context: ["tier": .text("Silver")], channelData: [:])
        #expect(compiled.program.candidates(in: silver.folded) == [1])
        let absent = compiled.layout.makeContext(context: [:], channelData: [:])
        #expect(compiled.program.candidates(in: absent.folded) == [3])
        #expect(compiled.evaluate(absent).ruleName == "d")
    }
}
