import Logging
import ProcessRuntime
import Prometheus
import ServiceLifecycle
import SwitchboardCore

/// An adapter process whose channel is not implemented yet (issue 3): it starts, serves
/// /healthz and /metrics, and answers 501 under `/channels/<type>/`. It stores nothing
/// and opens no link to the router.
public enum PlaceholderIngress {
    public static func services(
        channelType: ChannelType, configuration: SwitchboardConfiguration, httpOverride: String?,
        registry: PrometheusCollectorRegistry, logger: Logger
    ) throws(IngressError) -> [any Service] {
        let process = "ingress-\(channelType.rawValue)"
        let address = try IngressConfiguration.httpAddress(for: channelType, in: configuration, override: httpOverride)
        let metrics = IngressMetrics(channelType: channelType)
        let endpoints = IngressEndpoints(
            adapter: NotImplementedAdapter(channelType: channelType), recorder: nil, metrics: metrics, logger: logger)
        let router = IngressHTTPServer.router(endpoints: endpoints, process: process, registry: registry) {
            HealthReport(healthy: true, checks: ["channel": "not implemented yet"])
        }
        logger.info("serving", metadata: ["http": "\(address)", "channel.type": "\(channelType.rawValue)"])
        return [IngressHTTPServer.application(router: router, address: address, process: process, logger: logger)]
    }

    /// The whole process after argument parsing and bootstrap: what each placeholder `main` calls.
    public static func run(
        channelType: ChannelType, options: ProcessOptions, httpOverride: String?, registry: PrometheusCollectorRegistry
    ) async throws {
        let logger = Logger(label: "ingress-\(channelType.rawValue)")
        let configuration = try IngressConfiguration.load(path: options.config, logger: logger)
        ProcessScheduling.apply(configuration.system.cpuScheduling, logger: logger)
        let services = try services(
            channelType: channelType, configuration: configuration, httpOverride: httpOverride, registry: registry, logger: logger)
        try await ProcessServiceGroup.run(services: services, logger: logger)
        logger.info("stopped")
    }
}
