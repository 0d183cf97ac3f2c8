/// A routing condition tree (spec W3): `all` / `any` / `not` over comparisons.
public indirect enum Condition: Sendable, Hashable {
    /// True when every child holds (never empty after validation).
    case all([Condition])
    /// True when at least one child holds (never empty after validation).
    case any([Condition])
    case not(Condition)
    case comparison(Comparison)
}

/// One `{variable, op, value}` test, with the variable's type already resolved so a later
/// compiler needs no lookup.
public struct Comparison: Sendable, Hashable {
    public let variable: String
    public let variableType: ContextVariableType
    /// Whether `variable` is a built-in channel-data variable rather than a declared one.
    public let isChannelData: Bool
    public let op: ComparisonOperator
    public let value: ComparisonValue

    public init(
        variable: String, variableType: ContextVariableType, isChannelData: Bool,
        op: ComparisonOperator, value: ComparisonValue
    ) {
        self.variable = variable
        self.variableType = variableType
        self.isChannelData = isChannelData
        self.op = op
        self.value = value
    }
}

/// The comparison operators of W3. Text ones compare case-insensitively.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable, ConfigurationEnum {
    case equals, notEquals, contains, notContains, beginsWith, endsWith, isEmpty, isNotEmpty
    case eq, ne, lt, le, gt, ge, between

    /// The variable type this operator applies to.
    public var operandType: ContextVariableType {
        switch self {
        case .equals, .notEquals, .contains, .notContains, .beginsWith, .endsWith, .isEmpty, .isNotEmpty: .text
        case .eq, .ne, .lt, .le, .gt, .ge, .between: .number
        }
    }

    /// Operators that test presence only and take no value.
    public var takesValue: Bool { self != .isEmpty && self != .isNotEmpty }

    public static func operators(for type: ContextVariableType) -> [ComparisonOperator] {
        allCases.filter { $0.operandType == type }
    }
}

/// The right-hand side of a comparison, typed by its operator.
public enum ComparisonValue: Sendable, Hashable {
    /// `isEmpty` / `isNotEmpty`.
    case none
    case text(String)
    case number(Double)
    /// `between`: inclusive bounds, low ≤ high.
    case range(ClosedRange<Double>)
}
