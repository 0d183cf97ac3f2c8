// The distributor process: owns some queues and offers their conversations to agents (D1).
// Thin by design: flags and config in, one ServiceGroup out; the work is in `Distributor`.
import ArgumentParser
import Distributor
import Foundation
import Hummingbird
import Logging
import ProcessRuntime
import ServiceLifecycle
import Storage
import SwitchboardCore
import Wire
import ZeroMQ

@main
struct DistributorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distributor", abstract: "Owns queues and offers their conversations to agents.")

    @OptionGroup var common: ProcessOptions

    @Option(help: "This distributor's entry in processes.distributors.")
    var name: String = "distributor-1"

    @Option(help: "Queues to own instead of the configured ones (comma-separated).")
    var queues: String?

    @Option(help: "The router's distributor endpoint (overrides processes.router.distributorEndpoint).")
    var routerEndpoint: String?

    @Option(help: "Presence's request endpoint (overrides processes.presence.requestEndpoint).")
    var presenceEndpoint: String?

    @Option(help: "Presence's updates endpoint (overrides processes.presence.updatesEndpoint).")
    var updatesEndpoint: String?

    @Option(help: "host:port for /healthz and /metrics (overrides the distributor's http).")
    var http: String?

    func run() async throws {
        StructuredLogHandler.bootstrap(process: name, format: common.logFormat, level: common.logLevel)
        let logger = Logger(label: name)
        let registry = ProcessMetrics.bootstrap()
        let configuration: SwitchboardConfiguration
        do {
            configuration = try ConfigurationFile.load(path: common.config).configuration
        } catch {
            for line in error.lines { logger.critical("\(line)") }
            throw ExitCode(error.exitCode)
        }
        ProcessScheduling.apply(configuration.system.cpuScheduling, logger: logger)
        do {
            let settings = try DistributorSettings.resolve(
                configuration: configuration, name: name,
                queues: queues.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } },
                routerEndpoint: routerEndpoint, presenceEndpoint: presenceEndpoint, updatesEndpoint: updatesEndpoint,
                http: http)
            let directory = try DataDirectory(
                path: common.dataDir ?? configuration.system.dataDirectory, process: settings.name)
            let context = try ZeroMQContext()
            defer { try? context.terminate() }
            let loop = try ZeroMQEventLoop(context: context, name: "distributor-zmq")
            let store = try QueueStateStore(path: directory.storePath(QueueStateStore.fileName), commits: CommitSchedule(runWhenIdle: loop.runWhenIdle))
            let distributor = Distributor(
                settings: settings, configuration: configuration, store: store, loop: loop,
                ids: MessageIDGenerator(), logger: logger)

            let router = Hummingbird.Router()
            router.addOperationsRoutes(process: settings.name, registry: registry) { await distributor.health() }
            router.addStatusRoute(secret: .resolve(configuration, logger: logger)) { await distributor.status() }
            let (host, port) = try address(settings.http)
            let app = Application(
                router: router, configuration: .init(address: .hostname(host, port: port)), logger: logger)

            let result: Result<Void, any Error>
            do {
                try await ProcessServiceGroup.run(services: [distributor, app], executorPreference: loop, logger: logger)
                result = .success(())
            } catch {
                result = .failure(error)
            }
            await loop.shutdown()
            try result.get()
        } catch {
            logger.critical("distributor stopped: \(error)")
            throw ExitCode.failure
        }
    }

    private func address(_ text: String) throws -> (String, Int) {
        guard let parsed = HTTPAddress(parsing: text) else {
            throw ValidationError("--http must be host:port with a port from 1 to 65535, got '\(text)'")
        }
        return (parsed.host, parsed.port)
    }
}
