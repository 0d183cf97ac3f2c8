/// System-wide settings (`system:`).
public struct SystemSettings: Sendable, Hashable {
    public static let defaultDataDirectory = "./data"
    /// Spec D7: an agent whose connection drops is offline after this long.
    public static let defaultAgentDisconnectGracePeriod: Duration = .seconds(150)

    /// Default data directory of every process (each may override it with a flag).
    public let dataDirectory: String
    /// Secret that operator endpoints require (G5).
    public let operatorSecret: SecretReference
    public let agentDisconnectGracePeriod: Duration

    public init(dataDirectory: String, operatorSecret: SecretReference, agentDisconnectGracePeriod: Duration) {
        self.dataDirectory = dataDirectory
        self.operatorSecret = operatorSecret
        self.agentDisconnectGracePeriod = agentDisconnectGracePeriod
    }
}
