import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Messaging
import Presence
import ProcessRuntime
import ServiceLifecycle
import Storage
import SwitchboardCore
import Wire
import ZeroMQ

/// `presence`: agent presence and capacity, the agents' WebSocket (docs/protocols/agent.md)
/// and the distributors' request and update sockets (docs/protocols/wire.md 5.4–5.6).
struct PresenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "presence", abstract: "Agent presence, capacity and the agent API.")

    @OptionGroup var common: ProcessOptions

    @Option(help: ArgumentHelp("Agent WebSocket/HTTP listen address host:port. Overrides processes.presence.http.", valueName: "host:port"))
    var http: String?

    @Option(help: ArgumentHelp("ROUTER endpoint for distributors. Overrides processes.presence.requestEndpoint.", valueName: "endpoint"))
    var requestEndpoint: String?

    @Option(help: ArgumentHelp("PUB endpoint for agent updates. Overrides processes.presence.updatesEndpoint.", valueName: "endpoint"))
    var updatesEndpoint: String?

    func run() async throws { try await launch() }

    func launch() async throws {
        StructuredLogHandler.bootstrap(process: "presence", format: common.logFormat, level: common.logLevel)
        let logger = Logger(label: "presence")
        let registry = ProcessMetrics.bootstrap()

        let configuration: SwitchboardConfiguration
        do {
            let loaded = try ConfigurationFile.load(path: common.config)
            for warning in loaded.warnings { logger.warning("\(warning.description)") }
            configuration = loaded.configuration
        } catch {
            for line in error.lines { logger.error("\(line)") }
            throw ExitCode(error.exitCode)
        }
        ProcessScheduling.apply(configuration.system.cpuScheduling, logger: logger)
        let topology = configuration.processes.presence
        let (host, port) = try listenAddress(http ?? topology.http.description)
        let requestEndpoint = self.requestEndpoint ?? topology.requestEndpoint.description
        let updatesEndpoint = self.updatesEndpoint ?? topology.updatesEndpoint.description

        let credentials = AgentCredentials(agents: configuration.agents, environment: ProcessInfo.processInfo.environment)
        for agent in credentials.unusable {
            // One agent without a secret must not stop everybody else: refuse only its logins.
            logger.error(
                "agent secret variable missing or empty; this agent cannot log in",
                metadata: ["agent.id": "\(agent.id)", "variable": "\(agent.secret.environmentVariable)"])
        }

        let dataDirectory = try DataDirectory(path: common.dataDir ?? configuration.system.dataDirectory, process: "presence")
        let loop = try ZeroMQEventLoop(context: ZeroMQContext(), name: "presence-zmq")
        let store = try ReservationStore.open(path: dataDirectory.storePath("reservations"), commits: CommitSchedule(runWhenIdle: loop.runWhenIdle))

        let ids = MessageIDGenerator()
        let requests = RouterLink(name: "presence.requests", bindTo: requestEndpoint, loop: loop, ids: ids, logger: logger)
        let updates = PublisherLink(name: "presence.updates", bindTo: updatesEndpoint, loop: loop, ids: ids, logger: logger)
        let coordinator = try PresenceCoordinator(
            configuration: configuration, store: store, credentials: credentials,
            outlets: PresenceLinks.outlets(requests: requests, updates: updates), ids: ids, logger: logger, loop: loop)
        let links = PresenceLinks(requests: requests, updates: updates, coordinator: coordinator, logger: logger)

        let router = Router(context: BasicWebSocketRequestContext.self)
        router.addOperationsRoutes(process: "presence", registry: registry) {
            let storeError = await coordinator.storeError
            let requestsBound = (try? await requests.boundEndpoint()) != nil
            let updatesBound = (try? await updates.boundEndpoint()) != nil
            return HealthReport(
                healthy: storeError == nil && requestsBound && updatesBound,
                checks: [
                    "store": storeError.map { "failing: \($0)" } ?? "ok",
                    "requests.link": requestsBound ? "bound" : "not bound",
                    "updates.link": updatesBound ? "bound" : "not bound",
                ])
        }
        router.addStatusRoute(secret: .resolve(configuration, logger: logger)) {
            OperatorStatus.Presence(agents: await coordinator.agents, configuration: configuration)
        }
        AgentRoutes.add(to: router, coordinator: coordinator, logger: logger)
        let app = Application(
            router: router,
            server: .http1WebSocketUpgrade(webSocketRouter: router),
            configuration: .init(address: .hostname(host, port: port), serverName: "presence"),
            logger: logger)

        logger.info(
            "presence starting",
            metadata: ["http": "\(host):\(port)", "requestEndpoint": "\(requestEndpoint)", "updatesEndpoint": "\(updatesEndpoint)"])
        // SIGTERM/SIGINT: graceful, bounded shutdown (ProcessRuntime).
        try await ProcessServiceGroup.run(services: [links, app], executorPreference: loop, logger: logger)
    }

    private func listenAddress(_ text: String) throws -> (String, Int) {
        guard let parsed = HTTPAddress(parsing: text) else {
            throw ValidationError("--http must be host:port with a port from 1 to 65535, got '\(text)'")
        }
        return (parsed.host, parsed.port)
    }
}

// The async run directly: top-level code would otherwise pick ParsableCommand's synchronous main.
do {
    let command = try PresenceCommand.parse()
    try await command.launch()
} catch {
    PresenceCommand.exit(withError: error)
}
