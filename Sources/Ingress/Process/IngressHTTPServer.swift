import Hummingbird
import Logging
import ProcessRuntime
import Prometheus
import SwitchboardCore

/// The adapter process's one HTTP server: the adapter's webhook routes and the operations
/// routes (/healthz, /metrics) on the same address.
public enum IngressHTTPServer {
    public static func router(
        endpoints: IngressEndpoints, process: String, registry: PrometheusCollectorRegistry,
        health: @escaping @Sendable () async -> HealthReport
    ) -> Router<BasicRequestContext> {
        let router = Router()
        router.addOperationsRoutes(process: process, registry: registry, health: health)
        endpoints.register(on: router)
        return router
    }

    /// `webSocket`: the adapter's WebSocket upgrades (live chat), served on the same address.
    public static func application(
        router: Router<BasicRequestContext>, address: HTTPAddress, process: String, webSocket: WebSocketUpgrade? = nil,
        logger: Logger
    ) -> some ApplicationProtocol {
        Application(
            router: router, server: webSocket?.serverBuilder ?? .http1(),
            configuration: ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: process),
            logger: logger)
    }

    /// Parses a `--http host:port` override (`[::1]:8085` for IPv6).
    public static func address(_ text: String) -> HTTPAddress? {
        HTTPAddress(parsing: text)
    }
}
