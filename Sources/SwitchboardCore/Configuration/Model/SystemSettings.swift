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
    /// How the kernel schedules every Switchboard process's threads (decisions §59).
    public let cpuScheduling: CPUScheduling

    public init(
        dataDirectory: String, operatorSecret: SecretReference, agentDisconnectGracePeriod: Duration,
        dedupeWindow: Duration = SystemSettings.defaultDedupeWindow, cpuScheduling: CPUScheduling = .batch
    ) {
        self.dataDirectory = dataDirectory
        self.operatorSecret = operatorSecret
        self.agentDisconnectGracePeriod = agentDisconnectGracePeriod
        self.dedupeWindow = dedupeWindow
        self.cpuScheduling = cpuScheduling
    }
}

/// The Linux scheduling policy of a process's threads (`system.cpuScheduling`).
public enum CPUScheduling: String, ConfigurationEnum, Hashable {
    /// `SCHED_BATCH`: a thread woken by a message does not preempt the one running, which
    /// runs on to its next wait. A conversation crosses five processes and their I/O threads,
    /// so under load this spares most of the context switches (decisions §59).
    case batch
    /// `SCHED_OTHER`, the kernel's default: a woken thread may preempt at once. For hosts
    /// shared with interactive work that must not wait behind Switchboard's threads.
    case normal
}
