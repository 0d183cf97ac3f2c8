import SwitchboardCore

extension HTTPURL {
    /// This URL (a provider's configured `apiBaseUrl`) with `path` appended, without
    /// doubling the `/` between them.
    func joined(_ path: String) -> String {
        var base = string
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }
}
