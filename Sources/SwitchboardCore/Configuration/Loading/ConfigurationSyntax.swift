/// The lexical rules of configuration values: identifiers, environment variable names,
/// phone numbers, URLs and network addresses. Pure functions over text.
enum ConfigurationSyntax {
    /// The longest configured name (ids, variable and custom presence names): messages carry
    /// them, and the wire bounds what they carry (decisions §38).
    static let maximumNameLength = 64
    static let identifierRule = "a letter, then letters, digits, '-' or '_', at most \(maximumNameLength) characters"

    /// Ids and names that appear in logs, metrics labels and wire messages.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isASCIILetter(first), text.unicodeScalars.count <= maximumNameLength else { return false }
        return text.unicodeScalars.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == "-" || $0 == "_" }
    }

    /// Context variable names: `[a-z][A-Za-z0-9]*`, at most `maximumNameLength` characters.
    static func isVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first), text.unicodeScalars.count <= maximumNameLength else { return false }
        return text.unicodeScalars.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) }
    }

    /// Environment variable names: `[A-Z_][A-Z0-9_]*`.
    static func isEnvironmentVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("A"..."Z").contains(first) || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || isASCIIDigit($0) || $0 == "_" }
    }

    /// E.164: `+`, a non-zero digit, then at most 14 more digits.
    static func isE164(_ text: String) -> Bool {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 3, scalars.count <= 16, scalars[0] == "+", scalars[1] != "0" else { return false }
        return scalars.dropFirst().allSatisfy(isASCIIDigit)
    }

    static func isDigits(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 32 && text.unicodeScalars.allSatisfy(isASCIIDigit)
    }

    /// Twilio account SIDs: `AC` followed by 32 hexadecimal digits.
    static func isTwilioAccountSid(_ text: String) -> Bool {
        guard text.hasPrefix("AC"), text.unicodeScalars.count == 34 else { return false }
        return text.unicodeScalars.dropFirst(2).allSatisfy { isASCIIDigit($0) || ("a"..."f").contains($0) || ("A"..."F").contains($0) }
    }

    /// `http(s)://host[:port][/path][?query]` with no whitespace.
    static func parseHTTPURL(_ text: String) -> HTTPURL? {
        let lower = text.lowercased()
        let scheme: String
        if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else { return nil }
        guard !text.unicodeScalars.contains(where: { $0.properties.isWhitespace }) else { return nil }
        let rest = text.dropFirst(scheme.count + 3)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.contains("@"), let (host, port) = parseHostPort(String(authority), portRequired: false) else { return nil }
        return HTTPURL(validated: text, scheme: scheme, host: host, port: port)
    }

    /// `host:port` (IPv6 hosts in brackets), port 1...65535 unless optional and absent.
    static func parseHostPort(_ text: String, portRequired: Bool) -> (host: String, port: Int?)? {
        var host: Substring
        var portText: Substring?
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return nil }
                portText = after.dropFirst()
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        } else {
            host = Substring(text)
        }
        guard !host.isEmpty, isHostName(host) else { return nil }
        guard let portText else { return portRequired ? nil : (String(host), nil) }
        guard let port = Int(portText), (1...65_535).contains(port), portText.allSatisfy(\.isNumber) else { return nil }
        return (String(host), port)
    }

    static func parseHTTPAddress(_ text: String) -> HTTPAddress? {
        guard let (host, port) = parseHostPort(text, portRequired: true), let port else { return nil }
        return HTTPAddress(host: host, port: port)
    }

    /// The reason `text` is not a usable ZeroMQ endpoint, or the endpoint.
    static func parseZeroMQEndpoint(_ text: String) -> Result<ZeroMQEndpoint, ConfigurationSyntaxError> {
        let expected = "must be a ZeroMQ endpoint tcp://host:port, ipc://path or inproc://name, got '\(text)'"
        if text.hasPrefix("tcp://") {
            let rest = String(text.dropFirst(6))
            if rest.hasPrefix("*") {
                return .failure(.init(reason: "must name a concrete host, not '*': the same endpoint is used to connect, got '\(text)'"))
            }
            guard let (host, port) = parseHostPort(rest, portRequired: true), let port else { return .failure(.init(reason: expected)) }
            return .success(.tcp(host: host, port: port))
        }
        if text.hasPrefix("ipc://"), text.count > 6 { return .success(.ipc(path: String(text.dropFirst(6)))) }
        if text.hasPrefix("inproc://"), text.count > 9 { return .success(.inproc(name: String(text.dropFirst(9)))) }
        return .failure(.init(reason: expected))
    }

    private static func isHostName(_ host: Substring) -> Bool {
        host.unicodeScalars.allSatisfy { isASCIILetter($0) || isASCIIDigit($0) || $0 == "." || $0 == "-" || $0 == ":" || $0 == "_" }
    }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    private static func isASCIIDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }
}
