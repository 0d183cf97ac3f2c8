/// A context value as routing sees it (spec W2): text or number.
///
/// Wire's `ContextValue` has the same shape; SwitchboardCore sits below Wire, so the router
/// maps one to the other at the edge.
public enum RoutingValue: Sendable, Hashable {
    case text(String)
    case number(Double)

    var type: ContextVariableType {
        switch self {
        case .text: .text
        case .number: .number
        }
    }
}
