/// One conversation's variable values, by slot of a `RoutingContextLayout`.
public struct RoutingContext: Sendable, Hashable {
    /// nil = absent (never sent, or dropped as a wrong-type value).
    public let values: [RoutingValue?]
    /// Values that were dropped (W2: logged and treated as absent).
    public let issues: [RoutingValueIssue]
    /// The values case-folded and laid out for the rule program, once here rather than per
    /// comparison.
    let folded: FoldedValues

    public init(values: [RoutingValue?], issues: [RoutingValueIssue] = []) {
        self.values = values
        self.issues = issues
        self.folded = FoldedValues(values, slotCount: values.count)
    }

    /// The present values by variable name (what a Deliver carries as the conversation's context).
    public func namedValues(layout: RoutingContextLayout) -> [String: RoutingValue] {
        var named: [String: RoutingValue] = [:]
        for (index, value) in values.enumerated() {
            if let value, index < layout.slots.count { named[layout.slots[index].name] = value }
        }
        return named
    }

    // `folded` is derived from `values`, so equality and hashing leave it out.
    public static func == (lhs: RoutingContext, rhs: RoutingContext) -> Bool {
        lhs.values == rhs.values && lhs.issues == rhs.issues
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(values)
        hasher.combine(issues)
    }
}
