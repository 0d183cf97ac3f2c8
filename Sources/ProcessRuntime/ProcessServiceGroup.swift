import Foundation
import Logging
import ServiceLifecycle

/// Runs one process's services the way every Switchboard executable does (design.md,
/// "Lifecycle"): SIGTERM and SIGINT start a graceful shutdown (services finish what they
/// hold: flush commits, say goodbye on their links), which is bounded; what is still running
/// after `gracefulShutdownLimit` is cancelled, and after `cancellationLimit` more the group
/// gives up, so a stop never hangs. Under `switchboard up` a `ParentWatch` joins the group,
/// so the process also stops when its supervisor disappears.
public enum ProcessServiceGroup {
    /// - Parameter finishing: services whose return is the end of the process's work (a demo,
    ///   a one-shot job): when one returns, the whole group shuts down gracefully. Any other
    ///   service returning or failing cancels the group.
    /// - Parameter executorPreference: where the services' tasks run: a process's ZeroMQ loop,
    ///   so its links, state and commits share one thread (decisions §22); nil: Swift's pool.
    public static func run(
        services: [any Service],
        finishing: [any Service] = [],
        executorPreference: (any TaskExecutor)? = nil,
        logger: Logger,
        gracefulShutdownLimit: Duration = .seconds(10),
        cancellationLimit: Duration = .seconds(5)
    ) async throws {
        var configurations = services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        configurations += finishing.map { .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup) }
        if let watch = ParentWatch(environment: ProcessInfo.processInfo.environment, logger: logger) {
            configurations.append(.init(service: watch, successTerminationBehavior: .gracefullyShutdownGroup))
        }
        var configuration = ServiceGroupConfiguration(
            services: configurations, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = gracefulShutdownLimit
        configuration.maximumCancellationDuration = cancellationLimit
        let group = ServiceGroup(configuration: configuration)
        try await withTaskExecutorPreference(executorPreference) { try await group.run() }
    }
}
