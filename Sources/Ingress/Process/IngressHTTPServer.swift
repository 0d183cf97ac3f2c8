import Hummingbird
import HummingbirdWebSocket
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
        let configuration = ApplicationConfiguration(address: .hostname(address.host, port: address.port), serverName: process)
        guard let webSocket else { return Application(router: router, configuration: configuration, logger: logger) }
        return Application(
            router: router,
            server: .http1WebSocketUpgrade(
                configuration: .init(ws: WebSocketServerConfiguration(maxFrameSize: webSocket.maximumFrameBytes)),
                shouldUpgrade: webSocket.shouldUpgrade),
            configuration: configuration, logger: logger)
    }

    /// Parses a `--http host:port` override (`[::1]:8085` for IPv6).
    public static func address(_ text: String) -> HTTPAddress? {
        HTTPAddress(parsing: text)
    }
}
