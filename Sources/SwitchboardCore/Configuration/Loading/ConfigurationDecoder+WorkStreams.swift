import Yams

extension ConfigurationDecoder {
    static let workStreamFields = [
        "name", "channelType", "channels", "capacity", "persistentChat", "autoCloseAfterInactivity", "distribution",
        "allowedPresences", "selectFromPush", "agentAffinity", "wrapUpCapacity", "contextVariables", "routingRules",
        "fallbackQueue",
    ]

    func decodeWorkStreams(_ field: Field?) -> [Located<WorkStream>] {
        var result: [Located<WorkStream>] = []
        for item in list(field, nonEmpty: true, what: "work stream") ?? [] {
            guard let fields = mapping(item, allowed: Self.workStreamFields) else { continue }
            if let workStream = decodeWorkStream(fields) {
                result.append(Located(path: item.path, value: workStream))
            }
        }
        return result
    }

    private func decodeWorkStream(_ fields: MappingFields) -> WorkStream? {
        let name = identifier(fields.required("name"))
        let channelType = enumeration(fields.required("channelType"), ChannelType.self)
        let channels = identifierList(fields.required("channels"), nonEmpty: true, what: "channel")
        let capacity = positiveInteger(fields.required("capacity"))
        let distribution = enumeration(fields.required("distribution"), DistributionMode.self)

        let persistentChat = fields.optional("persistentChat").flatMap(boolean) ?? false
        if let field = fields.optional("persistentChat"), let channelType, channelType != .chat {
            error(field, "applies only to chat work streams; this one's channelType is \(channelType.rawValue)")
        }
        let autoClose = fields.optional("autoCloseAfterInactivity").flatMap(duration)
        if let field = fields.optional("autoCloseAfterInactivity"), let channelType, channelType == .chat, !persistentChat {
            error(field, "applies only to sms, social and custom work streams and to persistent chat (persistentChat: true)")
        }

        let selectFromPush = pushOnly(fields, "selectFromPush", distribution) ?? false
        let affinity = pushOnly(fields, "agentAffinity", distribution)
            ?? (distribution == .push && (channelType?.streamType.defaultAgentAffinity ?? false))

        var presences = Set<BasePresence>()
        for item in list(fields.required("allowedPresences"), nonEmpty: true, what: "base presence") ?? [] {
            guard let presence = enumeration(item, BasePresence.self) else { continue }
            if !presences.insert(presence).inserted {
                error(item, "base presence '\(presence.rawValue)' is listed twice")
            }
        }
        let wrapUp = wrapUpCapacity(fields.optional("wrapUpCapacity")) ?? .always
        let variables = decodeContextVariables(fields.optional("contextVariables"))
        let rules = decodeRoutingRules(fields.optional("routingRules"), variables: variables, channelType: channelType,
                                       channelTypeFailed: failed(fields.path.field("channelType")))
        let fallback = identifier(fields.required("fallbackQueue"))
        guard let name else { return nil }
        return WorkStream(
            name: name, channelType: channelType ?? .chat, channels: channels?.map(\.value) ?? [], capacity: capacity ?? 1,
            persistentChat: persistentChat, autoCloseAfterInactivity: autoClose, distribution: distribution ?? .push,
            allowedPresences: presences, selectFromPush: selectFromPush, agentAffinity: affinity,
            wrapUpCapacity: wrapUp, contextVariables: variables, routingRules: rules, fallbackQueue: fallback ?? ""
        )
    }

    /// A push-only boolean: setting it at all on a pick work stream is an error (W1).
    private func pushOnly(_ fields: MappingFields, _ key: String, _ distribution: DistributionMode?) -> Bool? {
        guard let field = fields.optional(key) else { return nil }
        if distribution == .pick {
            error(field, "applies only to push work streams; remove it, this work stream uses pick distribution")
            return false
        }
        return boolean(field)
    }

    private func wrapUpCapacity(_ field: Field?) -> WrapUpCapacity? {
        guard let field else { return nil }
        guard case .scalar(let scalar) = field.node else {
            error(field, "must be always, never or a duration like 5m, got \(describe(field.node))")
            return nil
        }
        switch scalar.string {
        case "always": return .always
        case "never": return .never
        default:
            guard scalar.string.first.map({ $0.isNumber || $0 == "-" }) == true else {
                error(field, "must be always, never or a duration like 5m; got \(scalar.string)")
                return nil
            }
            return duration(field).map(WrapUpCapacity.duration)
        }
    }

    private func decodeContextVariables(_ field: Field?) -> [ContextVariable] {
        var result: [ContextVariable] = []
        var seen: [String: Int] = [:]
        for item in list(field) ?? [] {
            guard let fields = mapping(item, allowed: ["displayName", "name", "type"]) else { continue }
            let displayField = fields.required("displayName")
            let displayName = text(displayField)
            let type = enumeration(fields.required("type"), ContextVariableType.self)
            let nameField = fields.optional("name")
            var name: String?
            if let nameField {
                name = text(nameField)
                if let value = name, !ConfigurationSyntax.isVariableName(value) {
                    error(nameField, "must be a variable name ([a-z][A-Za-z0-9]*, at most \(ConfigurationSyntax.maximumNameLength) characters), got '\(value)'")
                    name = nil
                }
            } else if let displayName, let displayField {
                name = ContextVariable.derivedName(fromDisplayName: displayName)
                if name == nil {
                    error(displayField, "no variable name can be derived from '\(displayName)'; give one with name: (a letter, then letters and digits)")
                }
            }
            guard let name, let displayName else { continue }
            let at = nameField ?? displayField ?? item
            if let first = seen[name] {
                let derived = nameField == nil ? " (derived from display name '\(displayName)')" : ""
                error(at, "context variable name '\(name)'\(derived) is already used at line \(first); names must be unique in a work stream")
                continue
            }
            seen[name] = at.line
            result.append(ContextVariable(displayName: displayName, name: name, type: type ?? .text, nameIsDerived: nameField == nil))
        }
        return result
    }

    private func decodeRoutingRules(
        _ field: Field?, variables: [ContextVariable], channelType: ChannelType?, channelTypeFailed: Bool
    ) -> [RoutingRule] {
        let scope = VariableScope(declared: variables, channelType: channelType, unresolvable: channelTypeFailed)
        var result: [RoutingRule] = []
        var seen: [String: Int] = [:]
        for item in list(field) ?? [] {
            guard let fields = mapping(item, allowed: ["name", "condition", "queue"]) else { continue }
            let nameField = fields.required("name")
            let name = identifier(nameField)
            let queue = identifier(fields.required("queue"))
            let condition = fields.required("condition").flatMap { decodeCondition($0, scope: scope) }
            if let name, let nameField {
                if let first = seen[name] {
                    error(nameField, "routing rule name '\(name)' is already used at line \(first); names must be unique in a work stream")
                }
                seen[name] = nameField.line
            }
            result.append(RoutingRule(name: name ?? "", condition: condition ?? .all([]), queue: queue ?? ""))
        }
        return result
    }
}
