import Yams

/// Decoders of single values. Each takes an optional field (nil: absent, already reported if
/// required), reports what is wrong, and returns nil when the value is unusable.
extension ConfigurationDecoder {
    /// A non-empty text scalar.
    func text(_ field: Field?) -> String? {
        guard let field else { return nil }
        guard case .scalar(let scalar) = field.node else {
            error(field, "must be text, got \(describe(field.node))")
            return nil
        }
        let value = scalar.string
        guard !value.allSatisfy(\.isWhitespace) else {
            error(field, "must not be empty")
            return nil
        }
        return value
    }

    /// An id or name: `identifierRule`.
    func identifier(_ field: Field?) -> String? {
        guard let field, let value = text(field) else { return nil }
        guard ConfigurationSyntax.isIdentifier(value) else {
            error(field, "must be an identifier (\(ConfigurationSyntax.identifierRule)), got '\(value)'")
            return nil
        }
        return value
    }

    func integer(_ field: Field?) -> Int? {
        guard let field else { return nil }
        guard case .scalar(let scalar) = field.node, let value = Int(scalar.string) else {
            error(field, "must be an integer, got \(describe(field.node))")
            return nil
        }
        return value
    }

    func positiveInteger(_ field: Field?) -> Int? {
        guard let field else { return nil }
        guard case .scalar(let scalar) = field.node, let value = Int(scalar.string), value > 0 else {
            error(field, "must be a positive integer, got \(plain(field.node))")
            return nil
        }
        return value
    }

    func integer(_ field: Field?, in range: ClosedRange<Int>) -> Int? {
        guard let field else { return nil }
        guard case .scalar(let scalar) = field.node, let value = Int(scalar.string), range.contains(value) else {
            error(field, "must be an integer from \(range.lowerBound) to \(range.upperBound), got \(plain(field.node))")
            return nil
        }
        return value
    }

    func boolean(_ field: Field?) -> Bool? {
        guard let field else { return nil }
        if case .scalar(let scalar) = field.node {
            switch scalar.string.lowercased() {
            case "true": return true
            case "false": return false
            default: break
            }
        }
        error(field, "must be true or false, got \(plain(field.node))")
        return nil
    }

    func enumeration<E: ConfigurationEnum>(_ field: Field?, _ type: E.Type) -> E? {
        guard let field else { return nil }
        guard case .scalar(let scalar) = field.node, let value = E(rawValue: scalar.string) else {
            error(field, "must be one of \(E.allowedValues); got \(plain(field.node))")
            return nil
        }
        return value
    }

    func duration(_ field: Field?) -> Duration? {
        guard let field else { return nil }
        guard case .scalar(let scalar) = field.node else {
            error(field, "must be a duration like 90s, 2m, 1h30m or 1d, got \(describe(field.node))")
            return nil
        }
        switch ConfigurationDuration.parseWithReason(scalar.string) {
        case .success(let duration): return duration
        case .failure(let failure):
            error(field, failure.reason)
            return nil
        }
    }

    /// `{ env: NAME }`; never a value.
    func secret(_ field: Field?) -> SecretReference? {
        guard let field else { return nil }
        if case .scalar = field.node {
            error(field, "secrets are given by reference, never as values: write { env: VARIABLE_NAME } and set that environment variable")
            return nil
        }
        guard let fields = mapping(field, allowed: ["env"]), let nameField = fields.required("env"),
              let name = text(nameField)
        else { return nil }
        guard ConfigurationSyntax.isEnvironmentVariableName(name) else {
            error(nameField, "must be an environment variable name ([A-Z_][A-Z0-9_]*), got '\(name)'")
            return nil
        }
        return SecretReference(environmentVariable: name)
    }

    func url(_ field: Field?) -> HTTPURL? {
        guard let field, let value = text(field) else { return nil }
        guard let url = HTTPURL(value) else {
            error(field, "must be an http:// or https:// URL with a host, got '\(value)'")
            return nil
        }
        return url
    }

    func zeroMQEndpoint(_ field: Field?) -> ZeroMQEndpoint? {
        guard let field, let value = text(field) else { return nil }
        switch ConfigurationSyntax.parseZeroMQEndpoint(value) {
        case .success(let endpoint): return endpoint
        case .failure(let failure):
            error(field, failure.reason)
            return nil
        }
    }

    func httpAddress(_ field: Field?) -> HTTPAddress? {
        guard let field, let value = text(field) else { return nil }
        guard let address = ConfigurationSyntax.parseHTTPAddress(value) else {
            error(field, "must be host:port with a port from 1 to 65535, got '\(value)'")
            return nil
        }
        return address
    }

    /// A list of identifiers naming other entries; duplicates are reported here.
    func identifierList(_ field: Field?, nonEmpty: Bool, what: String) -> [Located<String>]? {
        guard let items = list(field, nonEmpty: nonEmpty, what: what) else { return nil }
        var seen = Set<String>()
        var result: [Located<String>] = []
        for item in items {
            guard let name = identifier(item) else { continue }
            guard seen.insert(name).inserted else {
                error(item, "\(what) '\(name)' is listed twice")
                continue
            }
            result.append(Located(path: item.path, value: name))
        }
        return result
    }

    /// The scalar text as written, or a description of a non-scalar.
    func plain(_ node: Node) -> String {
        if case .scalar(let scalar) = node, !Self.isNull(node) { return scalar.string }
        return describe(node)
    }
}
