/// A well-formed absolute http(s) URL, checked at load.
///
/// Kept as validated text plus its parts rather than Foundation's URL so the domain stays
/// free of platform parsing differences; callers build a URL from `string` when they need one.
public struct HTTPURL: Sendable, Hashable, CustomStringConvertible {
    public let string: String
    public let scheme: String
    public let host: String
    public let port: Int?

    init(validated string: String, scheme: String, host: String, port: Int?) {
        self.string = string
        self.scheme = scheme
        self.host = host
        self.port = port
    }

    /// Parses `http(s)://host[:port][/path][?query]`; nil if it is not one.
    public init?(_ text: String) {
        guard let parsed = ConfigurationSyntax.parseHTTPURL(text) else { return nil }
        self = parsed
    }

    public var description: String { string }
}
