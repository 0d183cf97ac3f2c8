/// Where each variable of one work stream lives in a `RoutingContext`: one slot per declared
/// context variable and per channel-data variable of the work stream's channel type.
///
/// Built once per work stream at load, so evaluating a rule indexes an array instead of
/// looking a name up per comparison.
public struct RoutingContextLayout: Sendable {
    public struct Slot: Sendable, Hashable {
        public let name: String
        public let type: ContextVariableType
        public let isChannelData: Bool
    }

    public let slots: [Slot]
    private let indexByName: [String: Int]

    init(workStream: WorkStream) {
        var slots: [Slot] = []
        for variable in workStream.contextVariables {
            slots.append(Slot(name: variable.name, type: variable.type, isChannelData: false))
        }
        for name in ChannelDataVariables.names(for: workStream.channelType) {
            slots.append(Slot(name: name, type: .text, isChannelData: true))
        }
        var index: [String: Int] = [:]
        for (position, slot) in slots.enumerated() where index[slot.name] == nil {
            index[slot.name] = position
        }
        self.slots = slots
        self.indexByName = index
    }

    /// The slot of a variable, or nil when the work stream has no such variable.
    public func slot(of name: String) -> Int? { indexByName[name] }

    /// Resolves one conversation's values into slots (W2).
    ///
    /// - `context`: declared context values (pre-chat answers, custom context). Names the
    ///   work stream does not declare are ignored: they cannot appear in a rule.
    /// - `channelData`: channel-data values by their dotted variable name (`channel.id`,
    ///   `sms.to`, ...); always text. A declared variable cannot be set from here.
    ///
    /// A value whose type differs from its variable's declared type (or a number that is not
    /// finite) is left absent and reported in `RoutingContext.issues` for the caller to log
    /// and count; it is never an error that stops routing.
    public func makeContext(context: [String: RoutingValue], channelData: [String: String]) -> RoutingContext {
        var values = [RoutingValue?](repeating: nil, count: slots.count)
        var issues: [RoutingValueIssue] = []
        for (name, value) in context {
            guard let index = indexByName[name], !slots[index].isChannelData else { continue }
            let slot = slots[index]
            if value.type != slot.type {
                issues.append(RoutingValueIssue(variable: name, expected: slot.type, kind: .wrongType(found: value.type)))
            } else if case .number(let number) = value, !number.isFinite {
                issues.append(RoutingValueIssue(variable: name, expected: slot.type, kind: .notFinite))
            } else {
                values[index] = value
            }
        }
        for (name, text) in channelData {
            guard let index = indexByName[name], slots[index].isChannelData else { continue }
            values[index] = .text(text)
        }
        issues.sort { $0.variable < $1.variable }  // stable logs and tests (dictionary order is random)
        return RoutingContext(values: values, issues: issues)
    }
}
