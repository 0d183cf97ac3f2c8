import AsyncHTTPClient
import Logging
import ProcessRuntime
import ServiceLifecycle
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A set of child processes the bench runs for one part of its work (the Switchboard system,
/// the baseline pipeline): a `ProcessSupervisor` in a service group of its own, so `stop()`
/// ends exactly these children (SIGTERM, then SIGKILL by pid) while the bench goes on. The
/// group also follows the bench's own graceful shutdown (Ctrl-C, SIGTERM).
struct ChildPhase: Sendable {
    private let supervisor: ProcessSupervisor
    private let group: ServiceGroup
    private let running: Task<Void, Never>
    private let exits: Counter

    /// A thread-safe count of children that exited on their own (and were restarted).
    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func increment() { value.add(1, ordering: .relaxed) }
        var current: Int { value.load(ordering: .relaxed) }
    }

    init(children: [ChildProcess], logger: Logger, say: @escaping @Sendable (String) -> Void) {
        let exits = Counter()
        supervisor = ProcessSupervisor(
            children: children, stopLimit: .seconds(5), logger: logger,
            report: { line in
                if line.contains(" exited (") { exits.increment() }
                say(line)
            })
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [supervisor], logger: logger))
        self.group = group
        // Unstructured, so it inherits the bench's graceful-shutdown task local.
        running = Task { try? await group.run() }
        self.exits = exits
    }

    var pids: [String: Int32] { get async { await supervisor.pids } }

    /// Children that exited while they should have been running (`kill` exits included).
    var unexpectedExits: Int { exits.current }

    /// SIGKILLs the child `name` and has it started again on its data directory `restartAfter`
    /// after it exited (`switchboard chaos`). The pid killed; nil when it was not running.
    func kill(_ name: String, restartAfter: Duration) async -> Int32? {
        await supervisor.signal(name, with: SIGKILL, restartAfter: restartAfter)
    }

    /// Stops every child and returns once they are gone.
    func stop() async {
        await group.triggerGracefulShutdown()
        await running.value
    }

    /// Waits until every `http://address/healthz` answers 200.
    static func waitUntilHealthy(_ addresses: [(name: String, address: String)], within limit: Duration, stopped: @Sendable () -> Bool) async throws(BenchError) {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = http.shutdown() }
        let deadline = ContinuousClock.now.advanced(by: limit)
        for (name, address) in addresses {
            while true {
                if stopped() { throw BenchError(.interrupted, "interrupted") }
                let request = HTTPClientRequest(url: "http://\(address)/healthz")
                if let response = try? await http.execute(request, timeout: .seconds(1)), response.status.code == 200 { break }
                guard ContinuousClock.now < deadline else { throw BenchError(.notReady, "\(name) did not answer http://\(address)/healthz within \(limit)") }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
