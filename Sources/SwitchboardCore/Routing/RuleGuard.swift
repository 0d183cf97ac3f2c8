/// A necessary condition of a rule, cheap to test for many rules at once (decisions §54).
///
/// First match over 200 rules mostly proves that rules fail, one after another. A rule's
/// guard is a few clauses that the rule's condition implies, in conjunctive normal form:
/// each clause is an `or` of literals, a literal one comparison or its negation. If any
/// clause is false, the rule is false, without testing the rule itself. Literals are shared
/// across rules (`language equals en` is tested once for every rule that has it), so the
/// evaluator tests each distinct comparison once per conversation and only runs the rules
/// whose every clause held (RuleProgram+Evaluate).
///
/// A guard only ever drops information, never adds it: `all` keeps its children's clauses,
/// `any` becomes one clause made of one clause of each child (a weaker condition than the
/// child), and `not` is pushed down to the comparisons (De Morgan). So a guard can let a
/// rule through that then fails, but never stops a rule that holds.
struct RuleGuard: Equatable {
    /// A comparison in its positive form (`equals`, `contains`, `isEmpty`, `eq`, ...), and
    /// whether the literal is that comparison holding or failing. The negative operators are
    /// exactly their positive ones negated, absent values included (RuleProgram).
    struct Literal: Hashable {
        let comparison: Comparison
        let holds: Bool
    }

    typealias Clause = [Literal]

    /// At most this many clauses per rule: the likeliest to fail. More would cost a test of
    /// each of their comparisons and rarely reject a rule that these have not.
    static let maximumClauses = 4

    /// The rule's kept clauses, likeliest to fail first. None: the guard always holds. An
    /// empty clause: it never does (an `any` with no children).
    let clauses: [Clause]

    init(_ condition: Condition) {
        let clauses = Self.normalForm(condition, negated: false)
        var kept: [(clause: Clause, chance: Double)] = []
        for clause in clauses where !kept.contains(where: { $0.clause == clause }) {
            kept.append((clause, Self.chance(of: clause)))
        }
        // Stable: equal chances keep the written order.
        let ordered = kept.indices.sorted { kept[$0].chance != kept[$1].chance ? kept[$0].chance < kept[$1].chance : $0 < $1 }
        self.clauses = ordered.prefix(Self.maximumClauses).map { kept[$0].clause }
    }

    /// `condition` (negated when `negated`) as clauses that it implies; for a condition
    /// without `any` they are equivalent to it.
    private static func normalForm(_ condition: Condition, negated: Bool) -> [Clause] {
        switch condition {
        case .not(let child):
            return normalForm(child, negated: !negated)
        case .comparison(let comparison):
            return [[literal(comparison, negated: negated)]]
        case .all(let children) where !negated, .any(let children) where negated:
            // A conjunction: every child's clauses. No children: true, no clause.
            return children.flatMap { normalForm($0, negated: negated) }
        case .all(let children), .any(let children):
            // A disjunction: one clause made of the likeliest-to-fail clause of each child,
            // which that child implies. A child with no clause is true: so is the whole.
            var clause: Clause = []
            for child in children {
                let childClauses = normalForm(child, negated: negated)
                guard let weakest = childClauses.min(by: { chance(of: $0) < chance(of: $1) }) else { return [] }
                for literal in weakest where !clause.contains(literal) { clause.append(literal) }
            }
            return [clause]
        }
    }

    private static func literal(_ comparison: Comparison, negated: Bool) -> Literal {
        let positive: ComparisonOperator
        var holds = !negated
        switch comparison.op {
        case .notEquals: positive = .equals
        case .notContains: positive = .contains
        case .isNotEmpty: positive = .isEmpty
        case .ne: positive = .eq
        default: positive = comparison.op
        }
        if positive != comparison.op { holds.toggle() }
        let normalized = Comparison(
            variable: comparison.variable, variableType: comparison.variableType,
            isChannelData: comparison.isChannelData, op: positive, value: comparison.value)
        return Literal(comparison: normalized, holds: holds)
    }

    /// The guessed chance that a clause holds, from the same per-operator guesses that
    /// order the tests inside a rule (RuleProgram+Order), taking literals as independent.
    static func chance(of clause: Clause) -> Double {
        1 - clause.reduce(1.0) { failing, literal in
            let positive = RuleProgram.chance(of: literal.comparison.op)
            return failing * (1 - (literal.holds ? positive : 1 - positive))
        }
    }
}
