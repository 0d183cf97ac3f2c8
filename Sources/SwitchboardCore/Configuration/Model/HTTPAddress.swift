/// An HTTP listen address `host:port` (health, metrics, webhooks, agent API).
public struct HTTPAddress: Sendable, Hashable, CustomStringConvertible {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension HTTPAddress {
    /// Parses `host:port` (`[::1]:8080` for IPv6, port 1–65535) as the configuration does, so
    /// a `--http` flag accepts exactly what `processes.*.http` accepts.
    public init?(parsing text: String) {
        guard let address = ConfigurationSyntax.parseHTTPAddress(text) else { return nil }
        self = address
    }
}
