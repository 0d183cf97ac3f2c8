import Logging
import ServiceLifecycle
import SwitchboardCore
import Synchronization
import ZeroMQ

/// What the targets that run a process's service in process share: a temporary data
/// directory, the fuzz configuration, and two loops on one context, the service's own (it
/// runs on it as its process does, decisions §22) and the fake peers'.
struct InProcessService {
    let directory: FuzzDirectory
    let configuration: SwitchboardConfiguration
    let context: ZeroMQContext
    let serviceLoop: ZeroMQEventLoop
    let peerLoop: ZeroMQEventLoop
    private(set) var group: ServiceGroup?
    private(set) var task: Task<Void, any Error>?
    private let ending = ServiceEnding()

    /// `name` names the loops' threads (`fuzz-<name>`, `fuzz-<name>-peers`).
    init(name: String) throws {
        directory = FuzzDirectory()
        configuration = try FuzzConfiguration.load()
        context = try ZeroMQContext()
        serviceLoop = try ZeroMQEventLoop(context: context, name: "fuzz-\(name)")
        peerLoop = try ZeroMQEventLoop(context: context, name: "fuzz-\(name)-peers")
    }

    /// Runs `service` in a service group on the service loop.
    mutating func run(_ service: any Service, logger: Logger) {
        let group = ServiceGroup(services: [service], logger: logger)
        self.group = group
        let ending = self.ending
        task = Task(executorPreference: serviceLoop) {
            do {
                try await group.run()
                ending.note("stopped")
            } catch {
                ending.note("stopped with \(error)")
                throw error
            }
        }
    }

    /// For a finding: whether the service had stopped by itself (and how) or still ran.
    var state: String { ending.description ?? "still running" }

    /// Stops the service, then the loops and the context, and removes the data (the peers'
    /// sockets are closed first, by the caller).
    func stop() async {
        await group?.triggerGracefulShutdown()
        _ = try? await task?.value
        await peerLoop.shutdown()
        await serviceLoop.shutdown()
        try? context.terminate()
        directory.remove()
    }
}

/// How the service's run ended, once it has.
private final class ServiceEnding: Sendable {
    private let ended = Mutex<String?>(nil)
    func note(_ how: String) { ended.withLock { $0 = how } }
    var description: String? { ended.withLock { $0 } }
}

/// One run of an in-process target: batches of inputs with their checks, then the final ones.
protocol InProcessFuzzRun {
    associatedtype System: InProcessFuzzSystem
    var tally: FuzzTally { get }
    init(system: System, seed: UInt64, target: String)
    mutating func fuzz(iterations: Int) async
    mutating func finish() async
}

/// The service under test with its fake peers.
protocol InProcessFuzzSystem {
    static func start(logger: Logger) async throws -> Self
    func stop() async
}

extension InProcessFuzzRun {
    /// Starts the system, fuzzes, checks, stops it; the tally with the time it took.
    static func run(target: String, seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        let system = try await System.start(logger: logger)
        let start = ContinuousClock.now
        var run = Self(system: system, seed: seed, target: target)
        await run.fuzz(iterations: iterations)
        await run.finish()
        await system.stop()
        var tally = run.tally
        tally.elapsedSeconds = (ContinuousClock.now - start).seconds
        return tally
    }
}
