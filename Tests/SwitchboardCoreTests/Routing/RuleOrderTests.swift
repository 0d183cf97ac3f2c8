import Testing
@testable import SwitchboardCore

/// The compiler tests the children of `all` and `any` in the order likeliest to decide the
/// condition soonest (RuleProgram+Order); the result must not change.
@Suite struct RuleOrderTests {
    typealias Rules = RoutingRulesTests

    static func program(_ condition: Condition) -> RuleProgram {
        CompiledRoutingRules(workStream: Rules.workStream([RoutingRule(name: "r", condition: condition, queue: "vip")])).program
    }

    @Test func anAllTestsTheChildLikeliestToBeFalseFirst() throws {
        // Written: a range (often true), then an equality (rarely true).
        let condition = Condition.all([Rules.number(.ge, 5), Rules.text("tier", .equals, "gold")])
        let first = try #require(Self.program(condition).nodes.first)
        #expect(first.test == .textEquals)
        // Same answers as written.
        #expect(Rules.holds(condition, ["tier": .text("gold"), "total": .number(6)]))
        #expect(!Rules.holds(condition, ["tier": .text("gold"), "total": .number(4)]))
        #expect(!Rules.holds(condition, ["tier": .text("silver"), "total": .number(6)]))
    }

    @Test func anAnyTestsTheChildLikeliestToBeTrueFirst() throws {
        // Written: an equality (rarely true), then a negation (usually true).
        let condition = Condition.any([Rules.number(.eq, 5), Rules.text("tier", .isNotEmpty)])
        let first = try #require(Self.program(condition).nodes.first)
        #expect(first.test == .textIsEmpty)
        #expect(Rules.holds(condition, ["total": .number(5)]))
        #expect(Rules.holds(condition, ["tier": .text("gold")]))
        #expect(!Rules.holds(condition, ["total": .number(4)]))
    }

    @Test func childrenAsLikelyToDecideKeepTheirWrittenOrder() throws {
        let rules = CompiledRoutingRules(workStream: Rules.workStream([
            RoutingRule(name: "r", condition: .all([Rules.text("tier", .equals, "gold"), Rules.number(.eq, 5)]), queue: "vip")
        ]))
        let first = try #require(rules.program.nodes.first)
        #expect(Int(first.slot) == rules.layout.slot(of: "tier"))
    }

    @Test func aNestedConditionIsPlacedByItsOwnEstimate() throws {
        // any(eq, eq) holds with chance 0.19 at an expected cost of 1.9 comparisons; the
        // range (0.5, 1) is likelier to end the `all` for less, so it goes first.
        let nested = Condition.any([Rules.text("tier", .equals, "a"), Rules.text("tier", .equals, "b")])
        let condition = Condition.all([nested, Rules.number(.lt, 5)])
        let first = try #require(Self.program(condition).nodes.first)
        #expect(first.test == .numberWithin)
        let estimate = RuleProgram.inTestOrder(nested).estimate
        #expect(abs(estimate.chance - 0.19) < 1e-9)
        #expect(abs(estimate.cost - 1.9) < 1e-9)
    }

    @Test func estimatesFollowTheTestOrder() {
        // all(eq, ge): eq first (1/0.9 < 1/0.5), so ge is reached one time in ten.
        let both = RuleProgram.inTestOrder(.all([Rules.number(.ge, 1), Rules.number(.eq, 2)])).estimate
        #expect(abs(both.chance - 0.05) < 1e-9)
        #expect(abs(both.cost - 1.1) < 1e-9)
        // not swaps the chance and keeps the cost.
        let negated = RuleProgram.inTestOrder(.not(Rules.number(.eq, 2))).estimate
        #expect(abs(negated.chance - 0.9) < 1e-9 && negated.cost == 1)
    }
}
