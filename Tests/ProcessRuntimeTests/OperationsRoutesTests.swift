import Hummingbird
import Metrics
import HummingbirdTesting
import Prometheus
import Synchronization
import Testing

@testable import ProcessRuntime

@Suite struct OperationsRoutesTests {
    final class Health: Sendable {
        let healthy = Mutex(true)
    }

    func application(registry: PrometheusCollectorRegistry, health: Health) -> some ApplicationProtocol {
        let router = Router()
        router.addOperationsRoutes(process: "router", registry: registry) {
            HealthReport(healthy: health.healthy.withLock { $0 }, checks: ["journal": "ok", "distributors": "1 connected"])
        }
        return Application(router: router)
    }

    @Test func healthzIs200WhenHealthyAnd503WhenNotWithTheChecks() async throws {
        let health = Health()
        try await application(registry: PrometheusCollectorRegistry(), health: health).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body)
                    == #"{"status":"ok","process":"router","checks":{"distributors":"1 connected","journal":"ok"}}"# + "\n")
            }
            health.healthy.withLock { $0 = false }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).hasPrefix(#"{"status":"unhealthy""#))
            }
        }
    }

    @Test func metricsRendersTheRegistryInPrometheusTextFormat() async throws {
        let registry = PrometheusCollectorRegistry()
        // Through swift-metrics, as services record them.
        let factory = PrometheusMetricsFactory(registry: registry)
        Counter(label: "switchboard_conversations_routed_total", dimensions: [("queue", "billing")], factory: factory)
            .increment(by: 3)
        try await application(registry: registry, health: Health()).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(String(buffer: response.body).contains(#"switchboard_conversations_routed_total{queue="billing"} 3"#))
            }
        }
    }

    @Test func healthReportQuotesControlCharactersInJSON() {
        let report = HealthReport(healthy: false, checks: ["link": "down \"since\"\n3s\u{01}"])
        #expect(report.json(process: "p") == #"{"status":"unhealthy","process":"p","checks":{"link":"down \"since\"\n3s\u0001"}}"#)
    }
}
