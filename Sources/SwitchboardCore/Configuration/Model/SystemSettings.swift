/// System-wide settings (`system:`).
public struct SystemSettings: Sendable, Hashable {
    public static let defaultDataDirectory = "./data"
    /// Spec D7: an agent whose connection drops is offline after this long.
    public static let defaultAgentDisconnectGracePeriod: Duration = .seconds(150)
    /// R3's window: past WhatsApp's 7 days of retries, the longest a provider documents.
    public static let defaultDedupeWindow: Duration = .seconds(8 * 86_400)
    /// Shorter would forget a conversation while its adapter may still resend (decisions §33).
    public static let minimumDedupeWindow: Duration = .seconds(3_600)
    /// Below this a provider's own retries can outlive the window (channels.md).
    public static let longestProviderRetry: Duration = .seconds(7 * 86_400)

    /// Default data directory of every process (each may override it with a flag).
    public let dataDirectory: String
    /// Secret that operator endpoints require (G5).
    public let operatorSecret: SecretReference
    public let agentDisconnectGracePeriod: Duration
    /// R3: a provider message id seen again within this long after its conversation closed
    /// changes nothing; the router forgets a conversation closed longer ago (decisions §33).
    public let dedupeWindow: Duration

    public init(
        dataDirectory: String, operatorSecret: SecretReference, agentDisconnectGracePeriod: Duration,
        dedupeWindow: Duration = SystemSettings.defaultDedupeWindow
    ) {
        self.dataDirectory = dataDirectory
        self.operatorSecret = operatorSecret
        self.agentDisconnectGracePeriod = agentDisconnectGracePeriod
        self.dedupeWindow = dedupeWindow
    }
}
