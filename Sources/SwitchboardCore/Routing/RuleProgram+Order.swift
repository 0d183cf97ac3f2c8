extension RuleProgram {
    /// The order in which the children of an `all` or `any` are tested.
    ///
    /// A condition has no side effects and every comparison is total (an absent value gives a
    /// definite answer), so the children of `all` and `any` may be tested in any order with
    /// the same result. The compiler tests first the ones most likely to decide the
    /// condition for the least work: the classic order for independent tests (Simon and
    /// Kadane, 1975). `all` stops at its first false child, so its children go by expected
    /// cost over chance of being false, ascending; `any` stops at its first true child, so by
    /// cost over chance of being true. Equal keys keep the written order.
    ///
    /// The compiler sees the rules, not the traffic, so the chances are fixed guesses by
    /// operator (an equality rarely holds; a range often does; a negation is the complement of
    /// its positive form), the way a query planner guesses selectivity without statistics.
    /// First match still goes by the rules' own order: only the tests inside a rule move.
    struct Estimate: Equatable {
        /// Guessed chance, 0...1, that the condition holds.
        let chance: Double
        /// Expected number of comparisons tested before the condition is decided.
        let cost: Double
    }

    /// `condition` with the children of every `all` and `any` in test order, and its
    /// estimate: one pass over the tree, bottom up.
    static func inTestOrder(_ condition: Condition) -> (condition: Condition, estimate: Estimate) {
        switch condition {
        case .comparison(let comparison):
            return (condition, Estimate(chance: chance(of: comparison.op), cost: 1))
        case .not(let child):
            let (ordered, inner) = inTestOrder(child)
            return (.not(ordered), Estimate(chance: 1 - inner.chance, cost: inner.cost))
        case .all(let children):
            let (ordered, estimate) = inTestOrder(children, stoppingWhen: false)
            return (.all(ordered), estimate)
        case .any(let children):
            let (ordered, estimate) = inTestOrder(children, stoppingWhen: true)
            return (.any(ordered), estimate)
        }
    }

    /// The children of an `all` (stopping when one is false) or an `any` (stopping when one
    /// is true) in test order, and the estimate of the condition they make.
    private static func inTestOrder(_ children: [Condition], stoppingWhen decisive: Bool) -> ([Condition], Estimate) {
        let parts = children.map(inTestOrder)
        let order = parts.indices.sorted { left, right in
            let leftKey = key(parts[left].estimate, stoppingWhen: decisive)
            let rightKey = key(parts[right].estimate, stoppingWhen: decisive)
            return leftKey != rightKey ? leftKey < rightKey : left < right
        }
        // Walk the chosen order: each child is reached only when every earlier one went on.
        var reached = 1.0, cost = 0.0
        for index in order {
            let estimate = parts[index].estimate
            cost += reached * estimate.cost
            reached *= decisive ? 1 - estimate.chance : estimate.chance
        }
        let chance = decisive ? 1 - reached : reached
        return (order.map { parts[$0].condition }, Estimate(chance: chance, cost: cost))
    }

    /// Cost per chance of deciding: lower goes first; a child that never decides goes last.
    private static func key(_ estimate: Estimate, stoppingWhen decisive: Bool) -> Double {
        let deciding = decisive ? estimate.chance : 1 - estimate.chance
        return deciding > 0 ? estimate.cost / deciding : .infinity
    }

    /// The guessed chance that a comparison holds. Negative operators are the complement
    /// of their positive ones.
    static func chance(of op: ComparisonOperator) -> Double {
        switch op {
        case .equals, .eq: 0.1
        case .beginsWith, .endsWith: 0.15
        case .contains, .isEmpty: 0.2
        case .between: 0.3
        case .lt, .le, .gt, .ge: 0.5
        case .notEquals, .ne: 0.9
        case .notContains, .isNotEmpty: 0.8
        }
    }
}
