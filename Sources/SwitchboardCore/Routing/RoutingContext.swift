/// One conversation's variable values, by slot of a `RoutingContextLayout`.
public struct RoutingContext: Sendable, Hashable {
    /// nil = absent (never sent, or dropped as a wrong-type value).
    public let values: [RoutingValue?]
    /// Case-folded copies of the text values, folded once here rather than per comparison.
    let foldedText: [String?]
    /// Values that were dropped (W2: logged and treated as absent).
    public let issues: [RoutingValueIssue]

    public init(values: [RoutingValue?], issues: [RoutingValueIssue] = []) {
        self.values = values
        self.foldedText = values.map { value in
            if case .text(let text) = value { return RoutingText.fold(text) }
            return nil
        }
        self.issues = issues
    }

    /// The present values by variable name (what a Deliver carries as the conversation's context).
    public func namedValues(layout: RoutingContextLayout) -> [String: RoutingValue] {
        var named: [String: RoutingValue] = [:]
        for (index, value) in values.enumerated() {
            if let value, index < layout.slots.count { named[layout.slots[index].name] = value }
        }
        return named
    }
}
