// The router process: parse options, load the configuration, bootstrap logging and metrics,
// run the router services and the operations HTTP server in one ServiceGroup.
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ProcessRuntime
import Router
import Storage
import SwitchboardCore
import ZeroMQ

struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "router", abstract: "Switchboard router: records inbound messages, routes conversations, delivers them to distributors.")

    @OptionGroup var common: ProcessOptions

    @Option(help: ArgumentHelp("Overrides processes.router.ingressEndpoint.", valueName: "endpoint"))
    var ingressEndpoint: String?

    @Option(help: ArgumentHelp("Overrides processes.router.distributorEndpoint.", valueName: "endpoint"))
    var distributorEndpoint: String?

    @Option(help: ArgumentHelp("Overrides processes.router.http (host:port of /healthz and /metrics).", valueName: "host:port"))
    var http: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: RouterService.processName, format: common.logFormat, level: common.logLevel)
        let registry = ProcessMetrics.bootstrap()
        let logger = Logger(label: RouterService.processName)

        let configuration = try loadConfiguration(path: common.config, logger: logger)
        ProcessScheduling.apply(configuration.system.cpuScheduling, logger: logger)
        let topology = configuration.processes.router
        var endpoints = RouterEndpoints(topology)
        endpoints.ingress = ingressEndpoint ?? endpoints.ingress
        endpoints.distributor = distributorEndpoint ?? endpoints.distributor
        let (host, port) = try httpAddress(http, default: topology.http)
        let dataDirectory = try DataDirectory(
            path: common.dataDir ?? configuration.system.dataDirectory, process: RouterService.processName)

        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context, name: "router-zmq")
        let router = try RouterService(
            configuration: configuration, dataDirectory: dataDirectory, endpoints: endpoints, loop: loop, logger: logger)

        let routes = Hummingbird.Router()
        routes.addOperationsRoutes(process: RouterService.processName, registry: registry) { await router.health() }
        routes.addStatusRoute(secret: .resolve(configuration, logger: logger)) { await router.status() }
        let app = Application(router: routes, configuration: .init(address: .hostname(host, port: port)), logger: logger)

        do {
            try await ProcessServiceGroup.run(services: [router, app], executorPreference: loop, logger: logger)
        } catch {
            logger.error("router failed", metadata: ["error": "\(error)"])
            await loop.shutdown()
            throw ExitCode.failure
        }
        await loop.shutdown()
    }

    private func loadConfiguration(path: String, logger: Logger) throws -> SwitchboardConfiguration {
        do {
            let loaded = try ConfigurationFile.load(path: path)
            for warning in loaded.warnings { logger.warning("configuration warning", metadata: ["issue": "\(warning)"]) }
            return loaded.configuration
        } catch {
            for line in error.lines { logger.critical("configuration unusable", metadata: ["issue": "\(line)"]) }
            throw ExitCode(error.exitCode)
        }
    }

    private func httpAddress(_ override: String?, default address: HTTPAddress) throws -> (String, Int) {
        guard let override else { return (address.host, address.port) }
        guard let parsed = HTTPAddress(parsing: override) else {
            throw ValidationError("--http must be host:port with a port from 1 to 65535, got '\(override)'")
        }
        return (parsed.host, parsed.port)
    }
}

// Top-level code (this file is main.swift), so no @main: parse, then run the async command.
let command = RouterCommand.parseOrExit()
do {
    try await command.run()
} catch {
    RouterCommand.exit(withError: error)
}
