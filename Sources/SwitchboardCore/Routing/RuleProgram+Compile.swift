extension RuleProgram {
    /// Compiles rule conditions, in order, against a layout.
    convenience init(conditions: [Condition], layout: RoutingContextLayout) {
        var compiler = Compiler(layout: layout)
        var entries: [Int] = []
        for (index, condition) in conditions.enumerated() {
            entries.append(compiler.nodes.count)
            // Each rule on its own: a false rule ends with the "failed" terminal (the rule
            // count), because the guards, not the rule order, say which rule runs next.
            // Children in the order likeliest to decide soonest (RuleProgram+Order).
            compiler.emit(
                Self.inTestOrder(condition).condition,
                onTrue: Self.terminal(index), onFalse: Self.terminal(conditions.count))
        }
        let laid = Self.laidOut(compiler.nodes, entries: entries)
        self.init(
            nodes: laid.nodes, constants: compiler.constants, ruleEntries: laid.entries.map { Int32(truncatingIfNeeded: $0) },
            guards: Guards(conditions.map(RuleGuard.init), layout: layout), ruleCount: conditions.count,
            slotCount: layout.slots.count)
    }

    /// Emits nodes in pre-order, so a condition's first node is at `nodes.count` when it is
    /// emitted and the node after it is that plus `nodeCount(condition)`. The guards compile
    /// their comparisons with it too, so a guard tests exactly what the rule's node tests.
    struct Compiler {
        let layout: RoutingContextLayout
        var nodes: [Node] = []
        var constants: [UInt8] = []

        /// How many nodes a condition compiles to: one per comparison, and one constant
        /// node for an empty `all` (true) or `any` (false), which validation never lets through.
        static func nodeCount(_ condition: Condition) -> Int {
            switch condition {
            case .all(let children), .any(let children): max(1, children.reduce(0) { $0 + nodeCount($1) })
            case .not(let child): nodeCount(child)
            case .comparison: 1
            }
        }

        mutating func emit(_ condition: Condition, onTrue: Int, onFalse: Int) {
            switch condition {
            case .not(let child):
                emit(child, onTrue: onFalse, onFalse: onTrue)
            case .all(let children) where children.isEmpty:
                appendNever(onTrue: onFalse, onFalse: onTrue)  // never, swapped: always
            case .any(let children) where children.isEmpty:
                appendNever(onTrue: onTrue, onFalse: onFalse)
            case .all(let children):
                for (index, child) in children.enumerated() {
                    let next = nodes.count + Self.nodeCount(child)
                    emit(child, onTrue: index == children.count - 1 ? onTrue : next, onFalse: onFalse)
                }
            case .any(let children):
                for (index, child) in children.enumerated() {
                    let next = nodes.count + Self.nodeCount(child)
                    emit(child, onTrue: onTrue, onFalse: index == children.count - 1 ? onFalse : next)
                }
            case .comparison(let comparison):
                emit(comparison, onTrue: onTrue, onFalse: onFalse)
            }
        }

        mutating func emit(_ comparison: Comparison, onTrue: Int, onFalse: Int) {
            guard let slot = layout.slot(of: comparison.variable),
                  layout.slots[slot].type == comparison.op.operandType
            else { return appendNever(onTrue: onTrue, onFalse: onFalse) }
            switch (comparison.op, comparison.value) {
            case (.isEmpty, _): appendText(.textIsEmpty, slot, "", onTrue: onTrue, onFalse: onFalse)
            case (.isNotEmpty, _): appendText(.textIsEmpty, slot, "", onTrue: onFalse, onFalse: onTrue)
            case (.equals, .text(let text)): appendText(.textEquals, slot, text, onTrue: onTrue, onFalse: onFalse)
            case (.notEquals, .text(let text)): appendText(.textEquals, slot, text, onTrue: onFalse, onFalse: onTrue)
            case (.contains, .text(let text)): appendText(.textContains, slot, text, onTrue: onTrue, onFalse: onFalse)
            case (.notContains, .text(let text)): appendText(.textContains, slot, text, onTrue: onFalse, onFalse: onTrue)
            case (.beginsWith, .text(let text)): appendText(.textBeginsWith, slot, text, onTrue: onTrue, onFalse: onFalse)
            case (.endsWith, .text(let text)): appendText(.textEndsWith, slot, text, onTrue: onTrue, onFalse: onFalse)
            case (.eq, .number(let number)): appendWithin(slot, number, number, onTrue: onTrue, onFalse: onFalse)
            case (.ne, .number(let number)): appendWithin(slot, number, number, onTrue: onFalse, onFalse: onTrue)
            case (.lt, .number(let number)): appendWithin(slot, -.infinity, number.nextDown, onTrue: onTrue, onFalse: onFalse)
            case (.le, .number(let number)): appendWithin(slot, -.infinity, number, onTrue: onTrue, onFalse: onFalse)
            case (.gt, .number(let number)): appendWithin(slot, number.nextUp, .infinity, onTrue: onTrue, onFalse: onFalse)
            case (.ge, .number(let number)): appendWithin(slot, number, .infinity, onTrue: onTrue, onFalse: onFalse)
            case (.between, .range(let range)):
                appendWithin(slot, range.lowerBound, range.upperBound, onTrue: onTrue, onFalse: onFalse)
            default: appendNever(onTrue: onTrue, onFalse: onFalse)
            }
        }

        private mutating func appendText(_ test: Node.Test, _ slot: Int, _ text: String, onTrue: Int, onFalse: Int) {
            let start = constants.count
            RoutingText.fold(text, into: &constants)
            let place = UInt64(UInt32(bitPattern: Self.index(start)))
                | UInt64(UInt32(bitPattern: Self.index(constants.count - start))) << 32
            nodes.append(Node(
                test: test, slot: Self.index(slot), onTrue: Self.index(onTrue), onFalse: Self.index(onFalse),
                operandA: place, operandB: FoldedBytes.mask(constants[start...])))
        }

        private mutating func appendWithin(_ slot: Int, _ low: Double, _ high: Double, onTrue: Int, onFalse: Int) {
            nodes.append(Node(
                test: .numberWithin, slot: Self.index(slot), onTrue: Self.index(onTrue), onFalse: Self.index(onFalse),
                operandA: low.bitPattern, operandB: high.bitPattern))
        }

        private mutating func appendNever(onTrue: Int, onFalse: Int) {
            nodes.append(Node(
                test: .never, slot: 0, onTrue: Self.index(onTrue), onFalse: Self.index(onFalse), operandA: 0, operandB: 0))
        }

        /// Node, slot and constant positions are 32-bit to keep nodes small. A configuration
        /// with 2³¹ comparisons or constant bytes is far beyond anything that loads.
        static func index(_ value: Int) -> Int32 {
            guard let index = Int32(exactly: value) else {
                preconditionFailure("routing rules too large to compile: \(value)")
            }
            return index
        }
    }
}
