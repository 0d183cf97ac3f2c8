/// A context value routing could not use (W2).
public struct RoutingValueIssue: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        case wrongType(found: ContextVariableType)
        case notFinite
    }

    public let variable: String
    public let expected: ContextVariableType
    public let kind: Kind

    public var description: String {
        switch kind {
        case .wrongType(let found):
            "context variable '\(variable)' is \(expected) but the value is \(found); treated as absent"
        case .notFinite:
            "context variable '\(variable)' has a number that is not finite; treated as absent"
        }
    }
}
