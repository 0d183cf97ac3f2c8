/// One work stream's routing rules (W3) compiled into a flat program over the slots of a
/// `RoutingContextLayout`: variables are slot indexes and text constants are already folded
/// (`RoutingText`), so evaluation does no parsing, no name lookup and no String work.
///
/// Every comparison is one `Node`; `all`, `any` and `not` compile away into the nodes' jump
/// targets. A node names where evaluation goes when its test holds (`onTrue`) and when it
/// does not (`onFalse`): a target ≥ 0 is another node, a negative target `t` ends evaluation
/// with rule `-t - 1` matched (the rule count meaning "this rule failed"). Each rule starts
/// at its own entry, so one loop evaluates a rule with short-circuiting, without recursion
/// or allocation. Inside a rule, the children of `all` and `any` are tested in the order
/// likeliest to decide soonest (`inTestOrder(_:)`), not necessarily as written: the result
/// is the same.
/// `not` swaps its child's targets; `notEquals`, `notContains`, `isNotEmpty` and `ne` are
/// their positive tests with swapped targets.
///
/// Which rules run at all is decided first by their guards (`RuleGuard`, `Guards`): a few
/// necessary clauses per rule, over comparisons shared between rules and each tested once.
/// Only the rules whose guards hold run, top down, and the first that holds wins.
///
/// Absent values (a variable never sent, or a wrong-type value dropped, W2) behave so that
/// each negative operator is exactly the negation of its positive one:
/// - `isEmpty` holds for an absent value and for ""; `isNotEmpty` holds for neither.
/// - `equals`, `contains`, `beginsWith`, `endsWith` never hold for an absent value;
///   `notEquals` and `notContains` always do (an absent value is not "gold").
/// - `eq`, `lt`, `le`, `gt`, `ge`, `between` never hold for an absent value; `ne` always does.
/// An empty constant (`contains: ""`) holds for every present text value.
///
/// A class, not a struct: evaluation reads a dozen arrays through nested closures, and a
/// struct holding them was copied into those closures, a retain and a release per array per
/// evaluation (a fifth of its time). A reference is one.
final class RuleProgram: Sendable {
    /// One comparison, in 32 bytes so that a 200-rule program stays in the L1 cache.
    struct Node: Sendable, Hashable {
        /// The positive tests; the negative operators are these with swapped targets.
        enum Test: UInt8, Sendable, Hashable {
            /// A comparison the compiler could not place (impossible after validation).
            case never
            case textEquals, textContains, textBeginsWith, textEndsWith, textIsEmpty
            /// Every number operator is `low ≤ value ≤ high`: `eq c` is [c, c], `lt c` is
            /// [-∞, c.nextDown], `ge c` is [c, ∞], ... (exact for finite values: doubles are
            /// discrete), and `ne` is `eq` with swapped targets.
            case numberWithin
        }

        let test: Test
        /// Whether `onTrue` / `onFalse` is the next node (set by `laidOut`). Evaluation then
        /// steps on without reading the target: a step the processor predicts instead of
        /// waiting for a load, which is what makes a long chain of comparisons fast.
        var trueIsNext = false
        var falseIsNext = false
        let slot: Int32
        var onTrue: Int32
        var onFalse: Int32
        /// Text tests: where the folded constant is in `RuleProgram.constants` (start in the
        /// low 32 bits, count in the high ones). Number tests: the low bound's bit pattern.
        let operandA: UInt64
        /// Text tests: the constant's `FoldedBytes.mask`. Number tests: the high bound's bit pattern.
        let operandB: UInt64

        var constantStart: Int { Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: operandA)) }
        var constantCount: Int { Int(truncatingIfNeeded: operandA >> 32) }
        var mask: UInt64 { operandB }
        var low: Double { Double(bitPattern: operandA) }
        var high: Double { Double(bitPattern: operandB) }
    }

    let nodes: [Node]
    /// Every folded text constant, back to back.
    let constants: [UInt8]
    /// Where each rule's evaluation starts: the first rule's is node 0.
    let ruleEntries: [Int32]
    /// Every rule's guard, compiled.
    let guards: Guards
    let ruleCount: Int
    /// The layout's slot count: every node's slot is below it.
    let slotCount: Int

    init(nodes: [Node], constants: [UInt8], ruleEntries: [Int32], guards: Guards, ruleCount: Int, slotCount: Int) {
        self.nodes = nodes
        self.constants = constants
        self.ruleEntries = ruleEntries
        self.guards = guards
        self.ruleCount = ruleCount
        self.slotCount = slotCount
    }

    /// The target that ends evaluation with rule `index` matched (`ruleCount`: it failed).
    static func terminal(_ index: Int) -> Int { -index - 1 }
}
