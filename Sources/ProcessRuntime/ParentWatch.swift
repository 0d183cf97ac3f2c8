#if canImport(Glibc)
import Glibc
#endif
import Logging
import ServiceLifecycle

/// Ends a supervised process when its supervisor is gone. `switchboard up` starts each child
/// with `SWITCHBOARD_SUPERVISOR_PID`; if the supervisor dies without stopping its children
/// (kill -9), the child is re-parented, notices within a second and shuts down gracefully,
/// so a crashed supervisor leaves no orphans behind.
public struct ParentWatch: Service {
    public static let environmentVariable = "SWITCHBOARD_SUPERVISOR_PID"

    let supervisor: pid_t
    let logger: Logger

    /// nil unless this process was started by a supervisor.
    public init?(environment: [String: String], logger: Logger) {
        guard let text = environment[Self.environmentVariable], let pid = pid_t(text), pid > 1 else { return nil }
        self.supervisor = pid
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            if getppid() != supervisor {
                logger.warning("supervisor is gone: shutting down", metadata: ["supervisor.pid": "\(supervisor)"])
                return
            }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }
}
