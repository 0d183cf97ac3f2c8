import AsyncHTTPClient
import Foundation
import Logging
import Messaging
import ProcessRuntime
import Prometheus
import Storage
import SwitchboardCore
import Wire
import ZeroMQ

/// The whole life of an adapter process after argument parsing and bootstrap; each
/// `ingress-<type>` main calls it with its adapter.
public enum AdapterProcessRunner {
    /// Loads the configuration, builds the adapter (which reads its secrets: a missing one
    /// stops the start), opens the outbox, connects to the router and serves until
    /// SIGTERM/SIGINT. Starts, and accepts webhooks into the outbox, while the router is down.
    public static func run(
        channelType: ChannelType, options: ProcessOptions, httpOverride: String?, routerEndpointOverride: String?,
        registry: PrometheusCollectorRegistry,
        makeAdapter: (SwitchboardConfiguration, [String: String]) throws(IngressError) -> any ChannelAdapter,
        makeReplySender: (SwitchboardConfiguration, [String: String], HTTPClient) throws(IngressError) -> (any ProviderReplySender)? = { _, _, _ in nil }
    ) async throws {
        let process = "ingress-\(channelType.rawValue)"
        let logger = Logger(label: process)
        let configuration = try IngressConfiguration.load(path: options.config, logger: logger)
        ProcessScheduling.apply(configuration.system.cpuScheduling, logger: logger)
        let adapter = try makeAdapter(configuration, ProcessInfo.processInfo.environment)
        // One client for every provider call of this process; shut down on the way out.
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = client.shutdown() }
        let replySender = try makeReplySender(configuration, ProcessInfo.processInfo.environment, client)
        let endpoint = routerEndpointOverride ?? configuration.processes.router.ingressEndpoint.description

        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context, name: "\(process)-zmq")
        let ids = MessageIDGenerator()
        let link = DealerLink(name: "router", identity: process, connectTo: endpoint, loop: loop, ids: ids, logger: logger)
        do {
            let parts = try AdapterProcess(
                adapter: adapter, configuration: configuration, dataDirectory: options.dataDir, httpOverride: httpOverride,
                link: link, ids: ids, registry: registry, replySender: replySender,
                commits: CommitSchedule(runWhenIdle: loop.runWhenIdle), logger: logger)
            logger.info("serving", metadata: ["http": "\(parts.address)", "router": "\(endpoint)"])
            try await ProcessServiceGroup.run(services: parts.services(logger: logger), executorPreference: loop, logger: logger)
            logger.info("stopped")
        } catch {
            await loop.shutdown()
            try? context.shutdown()
            throw error
        }
        await loop.shutdown()
        try? context.shutdown()
    }
}
