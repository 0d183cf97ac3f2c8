/// A `Condition` compiled against a `RoutingContextLayout`: variables are slot indexes and
/// text constants are already case-folded, so evaluation does no parsing or name lookup.
///
/// Absent values (a variable never sent, or a wrong-type value dropped, W2) behave so that
/// each negative operator is exactly the negation of its positive one:
/// - `isEmpty` holds for an absent value and for ""; `isNotEmpty` holds for neither.
/// - `equals`, `contains`, `beginsWith`, `endsWith` never hold for an absent value;
///   `notEquals` and `notContains` always do (an absent value is not "gold").
/// - `eq`, `lt`, `le`, `gt`, `ge`, `between` never hold for an absent value; `ne` always does.
/// An empty constant (`contains: ""`) holds for every present text value.
indirect enum CompiledCondition: Sendable, Hashable {
    case all([CompiledCondition])
    case any([CompiledCondition])
    case not(CompiledCondition)
    case text(slot: Int, TextTest)
    case number(slot: Int, NumberTest)
    /// A comparison the compiler could not place (impossible after validation): never holds.
    case never

    enum TextTest: Sendable, Hashable {
        case equals(String), contains(String), beginsWith(String), endsWith(String), isEmpty
        case negated(TextTestPositive)
    }

    /// The positive tests `notEquals`/`notContains`/`isNotEmpty` negate.
    enum TextTestPositive: Sendable, Hashable {
        case equals(String), contains(String), isEmpty
    }

    enum NumberTest: Sendable, Hashable {
        case eq(Double), ne(Double), lt(Double), le(Double), gt(Double), ge(Double)
        case between(ClosedRange<Double>)
    }

    init(_ condition: Condition, layout: RoutingContextLayout) {
        switch condition {
        case .all(let children): self = .all(children.map { CompiledCondition($0, layout: layout) })
        case .any(let children): self = .any(children.map { CompiledCondition($0, layout: layout) })
        case .not(let child): self = .not(CompiledCondition(child, layout: layout))
        case .comparison(let comparison): self = Self.compile(comparison, layout: layout)
        }
    }

    private static func compile(_ comparison: Comparison, layout: RoutingContextLayout) -> CompiledCondition {
        guard let slot = layout.slot(of: comparison.variable),
              layout.slots[slot].type == comparison.op.operandType
        else { return .never }
        switch (comparison.op, comparison.value) {
        case (.isEmpty, _): return .text(slot: slot, .isEmpty)
        case (.isNotEmpty, _): return .text(slot: slot, .negated(.isEmpty))
        case (.equals, .text(let text)): return .text(slot: slot, .equals(RoutingText.fold(text)))
        case (.notEquals, .text(let text)): return .text(slot: slot, .negated(.equals(RoutingText.fold(text))))
        case (.contains, .text(let text)): return .text(slot: slot, .contains(RoutingText.fold(text)))
        case (.notContains, .text(let text)): return .text(slot: slot, .negated(.contains(RoutingText.fold(text))))
        case (.beginsWith, .text(let text)): return .text(slot: slot, .beginsWith(RoutingText.fold(text)))
        case (.endsWith, .text(let text)): return .text(slot: slot, .endsWith(RoutingText.fold(text)))
        case (.eq, .number(let number)): return .number(slot: slot, .eq(number))
        case (.ne, .number(let number)): return .number(slot: slot, .ne(number))
        case (.lt, .number(let number)): return .number(slot: slot, .lt(number))
        case (.le, .number(let number)): return .number(slot: slot, .le(number))
        case (.gt, .number(let number)): return .number(slot: slot, .gt(number))
        case (.ge, .number(let number)): return .number(slot: slot, .ge(number))
        case (.between, .range(let range)): return .number(slot: slot, .between(range))
        default: return .never
        }
    }

    func holds(in context: RoutingContext) -> Bool {
        switch self {
        case .all(let children): return children.allSatisfy { $0.holds(in: context) }
        case .any(let children): return children.contains { $0.holds(in: context) }
        case .not(let child): return !child.holds(in: context)
        case .never: return false
        case .text(let slot, let test):
            return Self.holds(test, folded: slot < context.foldedText.count ? context.foldedText[slot] : nil)
        case .number(let slot, let test):
            guard slot < context.values.count, case .number(let value)? = context.values[slot] else {
                if case .ne = test { return true }
                return false
            }
            return Self.holds(test, value)
        }
    }

    private static func holds(_ test: TextTest, folded value: String?) -> Bool {
        switch test {
        case .isEmpty: return value?.isEmpty ?? true
        case .negated(let positive):
            switch positive {
            case .isEmpty: return !holds(.isEmpty, folded: value)
            case .equals(let text): return !holds(.equals(text), folded: value)
            case .contains(let text): return !holds(.contains(text), folded: value)
            }
        case .equals(let text):
            guard let value else { return false }
            return value == text
        case .contains(let text):
            guard let value else { return false }
            return text.isEmpty || value.contains(text)
        case .beginsWith(let text):
            guard let value else { return false }
            return value.hasPrefix(text)
        case .endsWith(let text):
            guard let value else { return false }
            return value.hasSuffix(text)
        }
    }

    private static func holds(_ test: NumberTest, _ value: Double) -> Bool {
        switch test {
        case .eq(let number): value == number
        case .ne(let number): value != number
        case .lt(let number): value < number
        case .le(let number): value <= number
        case .gt(let number): value > number
        case .ge(let number): value >= number
        case .between(let range): range.contains(value)
        }
    }
}
