import Foundation
import Logging
import Messaging
import Router
import ServiceLifecycle
import Storage
import SwitchboardCore
import Wire
import ZeroMQ

/// Runs `RouterService` in-process on `tcp://127.0.0.1:*` with a data directory that
/// outlives one run (so a test can restart the router on it).
final class RouterHarness: Sendable {
    /// Patient liveness: a `TestPeer` does not send Ready again after the router declares it
    /// dead, so a parallel test run that starves a peer's heartbeats for 600 ms (three
    /// intervals) would lose its registration and the test its Delivers. Tests of death
    /// detection pass their own settings.
    static let linkSettings = LinkSettings(heartbeatInterval: .milliseconds(200), missedHeartbeatsBeforeDead: 50)

    let root: URL
    let configuration: SwitchboardConfiguration
    let context: ZeroMQContext
    let loop: ZeroMQEventLoop

    /// `yaml`: the configuration to run; the shipped config/switchboard.yaml when nil.
    init(yaml: String? = nil) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-router-\(UUID().uuidString)")
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try yaml ?? String(contentsOf: packageRoot.appendingPathComponent("config/switchboard.yaml"), encoding: .utf8)
        configuration = try ConfigurationLoader.load(yaml: text, file: "test.yaml").get().configuration
        context = try ZeroMQContext()
        loop = try ZeroMQEventLoop(context: context, name: "router-test")
    }

    /// One run of the router: the service, its ServiceGroup task, its bound endpoints.
    struct Run: Sendable {
        let service: RouterService
        let group: ServiceGroup
        let task: Task<Void, any Error>
        let endpoints: RouterEndpoints

        func stop() async throws {
            await group.triggerGracefulShutdown()
            try await task.value
        }
    }

    func start(linkSettings: LinkSettings = RouterHarness.linkSettings) async throws -> Run {
        var logger = Logger(label: "router-test")
        logger.logLevel = .warning
        let service = try RouterService(
            configuration: configuration, dataDirectory: try DataDirectory(path: root.path, process: "router"),
            endpoints: RouterEndpoints(ingress: "tcp://127.0.0.1:*", distributor: "tcp://127.0.0.1:*"),
            loop: loop, linkSettings: linkSettings, logger: logger)
        let group = ServiceGroup(services: [service], logger: logger)
        // On the loop, as the router process runs it (decisions §22).
        let task = Task(executorPreference: loop) { try await group.run() }
        return Run(service: service, group: group, task: task, endpoints: try await service.boundEndpoints())
    }

    /// Runs `body` with a new harness and shuts it down on every way out.
    static func with(_ body: (RouterHarness) async throws -> Void) async throws {
        let harness = try RouterHarness()
        do {
            try await body(harness)
        } catch {
            await harness.shutDown()
            throw error
        }
        await harness.shutDown()
    }

    func peer(_ name: String, to endpoint: String, reading: Bool = true) async throws -> TestPeer {
        try await TestPeer.connect(name, to: endpoint, loop: loop, reading: reading)
    }

    /// distributor-2 connected and registered for support and social (its ReadyAccepted read).
    func registeredDistributor(_ run: Run) async throws -> TestPeer {
        let distributor = try await peer("distributor-2", to: run.endpoints.distributor)
        try await distributor.send(.ready(Ready(distributor: "distributor-2", queues: ["support", "social"])))
        _ = try await distributor.next("ReadyAccepted") { $0.readyAccepted }
        return distributor
    }

    func shutDown() async {
        await loop.shutdown()
        try? context.terminate()
        try? FileManager.default.removeItem(at: root)
    }

    static func submit(provider: String, customer: String = "visitor-1", channel: String = "web-chat", type: String = "chat",
                       context: [String: ContextValue] = [:], text: String = "hello") -> WireMessage {
        .submit(Submit(message: InboundMessage(
            channelInstanceID: channel, channelType: type, providerMessageID: provider, customerAddress: customer,
            text: text, context: context, receivedAtMs: 1_700_000_000_000)))
    }
}
