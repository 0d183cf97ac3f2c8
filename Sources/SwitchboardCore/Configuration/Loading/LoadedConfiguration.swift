/// A successfully loaded configuration with the warnings found and where each field is.
public struct LoadedConfiguration: Sendable {
    public let configuration: SwitchboardConfiguration
    /// Non-fatal issues (severity `.warning`), in file order.
    public let warnings: [ConfigurationIssue]
    /// Lines of fields, so later checks (e.g. rule compilation) can point into the file.
    public let sourceMap: ConfigurationSourceMap
}
