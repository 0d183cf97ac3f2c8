import Foundation
import Logging
import Messaging
import ProcessRuntime
import Prometheus
import SwitchboardCore
import Wire
import ZeroMQ

/// The `ingress-custom` process; its `main` only parses arguments and bootstraps.
public enum CustomIngressProcess {
    /// The whole `ingress-custom` process after argument parsing and bootstrap: load the
    /// configuration, check the secrets, open the outbox, connect to the router, serve
    /// until SIGTERM/SIGINT. Starts (and accepts webhooks) when the router is down.
    public static func run(
        options: ProcessOptions, httpOverride: String?, routerEndpointOverride: String?, registry: PrometheusCollectorRegistry
    ) async throws {
        let process = CustomIngress<DealerLink>.process
        let logger = Logger(label: process)
        let configuration = try IngressConfiguration.load(path: options.config, logger: logger)
        let environment = ProcessInfo.processInfo.environment
        _ = try ChannelSecrets.custom(configuration, environment: environment)  // fail before opening anything
        let endpoint = routerEndpointOverride ?? configuration.processes.router.ingressEndpoint.description

        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context, name: "\(process)-zmq")
        let ids = MessageIDGenerator()
        let link = DealerLink(name: "router", identity: process, connectTo: endpoint, loop: loop, ids: ids, logger: logger)
        do {
            let ingress = try CustomIngress<DealerLink>(
                configuration: configuration, dataDirectory: options.dataDir, httpOverride: httpOverride,
                environment: environment, link: link, ids: ids, registry: registry, logger: logger)
            logger.info("serving", metadata: ["http": "\(ingress.address)", "router": "\(endpoint)"])
            try await ProcessServiceGroup.run(services: ingress.services(logger: logger), logger: logger)
            logger.info("stopped")
        } catch {
            await loop.shutdown()
            throw error
        }
        await loop.shutdown()
        try? context.shutdown()
    }
}
