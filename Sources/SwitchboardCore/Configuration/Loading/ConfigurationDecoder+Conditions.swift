import Yams

/// The variables a work stream's rules may name: its declared ones and the channel data of its type.
struct VariableScope {
    let declared: [ContextVariable]
    let channelType: ChannelType?
    /// The channel type itself was invalid: skip "unknown variable" so one error does not cascade.
    let unresolvable: Bool

    func resolve(_ name: String) -> (type: ContextVariableType, isChannelData: Bool)? {
        if let variable = declared.first(where: { $0.name == name }) { return (variable.type, false) }
        let type = channelType ?? .custom
        return ChannelDataVariables.type(of: name, on: type).map { ($0, true) }
    }

    var availableNames: String {
        (declared.map(\.name) + ChannelDataVariables.names(for: channelType ?? .custom)).joined(separator: ", ")
    }
}

extension ConfigurationDecoder {
    static let conditionKinds = ["all", "any", "not"]
    static let comparisonFields = ["variable", "op", "value"]

    /// A condition node: exactly one of all / any / not / comparison.
    func decodeCondition(_ field: Field, scope: VariableScope) -> Condition? {
        record(field)
        guard case .mapping(let node) = field.node else {
            error(field, "a condition must be a mapping: all, any, not or a comparison {variable, op, value}; got \(describe(field.node))")
            return nil
        }
        let keys = node.keys.compactMap(\.string)
        let kinds = keys.filter(Self.conditionKinds.contains)
        let isComparison = keys.contains { Self.comparisonFields.contains($0) }
        let found = kinds + (isComparison ? ["a comparison"] : [])
        guard found.count == 1 else {
            let what = found.isEmpty ? "none of them" : found.joined(separator: " and ")
            error(field, "a condition is exactly one of all, any, not or a comparison {variable, op, value}; found \(what)")
            return nil
        }
        if isComparison { return decodeComparison(field, scope: scope) }
        let kind = kinds[0]
        guard let fields = mapping(field, allowed: [kind]), let child = fields.required(kind) else { return nil }
        if kind == "not" { return decodeCondition(child, scope: scope).map(Condition.not) }
        guard let items = list(child) else { return nil }
        if items.isEmpty {
            error(child, "'\(kind)' must list at least one condition")
            return nil
        }
        let children = items.map { decodeCondition($0, scope: scope) }
        let decoded = children.compactMap { $0 }
        guard decoded.count == children.count else { return nil }
        return kind == "all" ? .all(decoded) : .any(decoded)
    }

    private func decodeComparison(_ field: Field, scope: VariableScope) -> Condition? {
        guard let fields = mapping(field, allowed: Self.comparisonFields) else { return nil }
        let variableField = fields.required("variable")
        let variable = text(variableField)
        let op = enumeration(fields.required("op"), ComparisonOperator.self)
        var resolved: (type: ContextVariableType, isChannelData: Bool)?
        if let variable, let variableField {
            resolved = scope.resolve(variable)
            if resolved == nil, !scope.unresolvable {
                error(variableField, "unknown variable '\(variable)'; declare it in this work stream's contextVariables or use one of: \(scope.availableNames)")
            }
        }
        guard let op else { return nil }
        if let resolved, let variable, let opField = fields.optional("op"), op.operandType != resolved.type {
            let fitting = ComparisonOperator.operators(for: resolved.type).map(\.rawValue).joined(separator: ", ")
            error(opField, "operator '\(op.rawValue)' is a \(op.operandType.rawValue) operator but variable '\(variable)' is \(resolved.type.rawValue); \(resolved.type.rawValue) operators: \(fitting)")
            return nil
        }
        guard let value = comparisonValue(fields, op: op) else { return nil }
        guard let resolved, let variable else { return nil }
        return .comparison(Comparison(variable: variable, variableType: resolved.type, isChannelData: resolved.isChannelData, op: op, value: value))
    }

    private func comparisonValue(_ fields: MappingFields, op: ComparisonOperator) -> ComparisonValue? {
        let valuePath = fields.path.field("value")
        guard op.takesValue else {
            if fields.values["value"] != nil {
                error(valuePath, line: fields.values["value"]?.mark?.line ?? fields.line, "is not allowed with operator '\(op.rawValue)', which takes no value")
                return nil
            }
            return ComparisonValue.none
        }
        guard let field = fields.optional("value") else {
            error(valuePath, line: fields.line, "is required for operator '\(op.rawValue)'")
            return nil
        }
        switch op {
        case .between:
            guard case .sequence(let bounds) = field.node, bounds.count == 2 else {
                error(field, "operator 'between' takes a list [low, high] of two numbers, got \(plain(field.node))")
                return nil
            }
            guard let low = number(bounds[0]), let high = number(bounds[1]) else {
                error(field, "operator 'between' takes two numbers, got [\(plain(bounds[0])), \(plain(bounds[1]))]")
                return nil
            }
            guard low <= high else {
                error(field, "the low bound \(plain(bounds[0])) is greater than the high bound \(plain(bounds[1]))")
                return nil
            }
            return .range(low...high)
        case .eq, .ne, .lt, .le, .gt, .ge:
            guard let value = number(field.node) else {
                error(field, "must be a number for operator '\(op.rawValue)', got \(plain(field.node))")
                return nil
            }
            return .number(value)
        default:
            guard case .scalar(let scalar) = field.node else {
                error(field, "must be a single text value for operator '\(op.rawValue)', got \(describe(field.node))")
                return nil
            }
            return .text(scalar.string)
        }
    }

    private func number(_ node: Node) -> Double? {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite else { return nil }
        return value
    }
}
