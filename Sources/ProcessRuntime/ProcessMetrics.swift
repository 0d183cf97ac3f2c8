import Metrics
import Prometheus

/// Installs the Prometheus backend behind swift-metrics, once per process (first thing in
/// `main`), and returns the registry `/metrics` renders. Library code only ever uses
/// swift-metrics' `Counter`/`Gauge`/`Timer`, never Prometheus directly.
public enum ProcessMetrics {
    public static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }
}
