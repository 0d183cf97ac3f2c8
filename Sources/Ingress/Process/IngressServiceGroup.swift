import Logging
import ServiceLifecycle

/// Runs an adapter's services as one `ServiceGroup`: SIGTERM/SIGINT start a graceful
/// shutdown (services stop in reverse order: HTTP first, so nothing new is accepted while
/// the forwarder stops); anything still running after `shutdownTimeout` is cancelled.
public enum IngressServiceGroup {
    public static let defaultShutdownTimeout: Duration = .seconds(10)

    public static func run(_ services: [any Service], logger: Logger, shutdownTimeout: Duration = defaultShutdownTimeout) async throws {
        var configuration = ServiceGroupConfiguration(services: services.map { .init(service: $0) }, logger: logger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        configuration.maximumGracefulShutdownDuration = shutdownTimeout
        configuration.maximumCancellationDuration = .seconds(2)
        try await ServiceGroup(configuration: configuration).run()
        logger.info("stopped")
    }
}
