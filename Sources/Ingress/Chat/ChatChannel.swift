import SwitchboardCore

/// One chat widget as configured: its title, the origins allowed to open its socket and its
/// pre-chat form (from its work stream's context variables).
struct ChatChannel: Sendable {
    let id: String
    let title: String
    let form: PrechatForm
    /// `scheme://host:port` of each allowed origin, lower-cased, port always written.
    let allowedOrigins: Set<String>

    static func all(in configuration: SwitchboardConfiguration) -> [String: ChatChannel] {
        var channels: [String: ChatChannel] = [:]
        for channel in configuration.channels {
            guard case .chat(let settings) = channel.provider else { continue }
            let variables = configuration.workStream(named: channel.workStream)?.contextVariables ?? []
            channels[channel.id] = ChatChannel(
                id: channel.id, title: settings.title ?? channel.id, form: PrechatForm(variables: variables),
                allowedOrigins: Set(settings.allowedOrigins.map { Self.origin(scheme: $0.scheme, host: $0.host, port: $0.port) }))
        }
        return channels
    }

    /// Whether the page an upgrade request comes from may open this widget's socket, judged
    /// on the request's `Origin` values (see `pageOrigins`). The widget's own pages (same
    /// host and port as the request's `Host`) always may; other sites only when listed in
    /// `allowedOrigins`. A request from no web page (no `Origin`, or a non-web one such as the
    /// `ws://host` some WebSocket libraries send) is let through: browsers always send their
    /// page's origin, and the check guards visitors' browsers against other sites, not the server.
    func allows(origins values: [String], host: String?) -> Bool {
        Self.pageOrigins(values).allSatisfy { allows(origin: $0, host: host) }
    }

    /// The `Origin` values a browser page would send: http(s) origins and `null` (sandboxed
    /// frames, files), which is never allowed.
    static func pageOrigins(_ values: [String]) -> [String] {
        values.filter { value in
            let lower = value.lowercased()
            return lower == "null" || lower.hasPrefix("http://") || lower.hasPrefix("https://")
        }
    }

    func allows(origin: String, host: String?) -> Bool {
        guard let url = HTTPURL(origin) else { return false }  // "null", or not an origin at all
        let normalized = Self.origin(scheme: url.scheme, host: url.host, port: url.port)
        if allowedOrigins.contains(normalized) { return true }
        guard let host else { return false }
        return Self.authority(host: url.host, port: url.port ?? Self.defaultPort(url.scheme))
            == Self.authority(ofHostHeader: host, defaultPort: Self.defaultPort(url.scheme))
    }

    private static func origin(scheme: String, host: String, port: Int?) -> String {
        "\(scheme.lowercased())://\(authority(host: host, port: port ?? defaultPort(scheme)))"
    }

    private static func authority(host: String, port: Int) -> String { "\(host.lowercased()):\(port)" }

    /// `example.com`, `example.com:8080`, `[::1]:8080` → `host:port` (brackets dropped, as in `HTTPURL.host`).
    private static func authority(ofHostHeader header: String, defaultPort: Int) -> String {
        var host = Substring(header)
        var port = defaultPort
        if header.hasPrefix("["), let close = header.firstIndex(of: "]") {
            host = header[header.index(after: header.startIndex)..<close]
            let after = header[header.index(after: close)...]
            if after.hasPrefix(":"), let explicit = Int(after.dropFirst()) { port = explicit }
        } else if let colon = header.lastIndex(of: ":"), let explicit = Int(header[header.index(after: colon)...]) {
            host = header[..<colon]
            port = explicit
        }
        return authority(host: String(host), port: port)
    }

    private static func defaultPort(_ scheme: String) -> Int { scheme.lowercased() == "https" ? 443 : 80 }
}
