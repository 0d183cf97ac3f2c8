import Foundation
import Logging
import ServiceLifecycle
import Subprocess

/// A process `switchboard up` runs and keeps running.
public struct ChildProcess: Sendable, Hashable {
    public var name: String
    public var executable: String
    public var arguments: [String]
    /// Added to the supervisor's own environment.
    public var environment: [String: String]

    public init(name: String, executable: String, arguments: [String], environment: [String: String] = [:]) {
        self.name = name
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
    }
}

/// Starts every child, starts a child again when it dies (with `RestartPolicy` back-off,
/// logged), and on graceful shutdown (SIGTERM, Ctrl-C) stops them all: SIGTERM, then
/// SIGKILL for any still running after `stopLimit`. Children get the supervisor's pid in
/// their environment (`ParentWatch`), so even a kill -9 of the supervisor leaves no orphans.
public actor ProcessSupervisor: Service {
    public typealias Event = @Sendable (String) -> Void

    private let children: [ChildProcess]
    private let logger: Logger
    private let stopLimit: Duration
    private let restartPolicy: RestartPolicy
    private let report: Event
    /// The pid of each child that runs now; a child's entry goes when its exit is reaped.
    private var running: [String: Int32] = [:]
    private var stopping = false
    /// A restart delay chosen by whoever killed the child (`signal(_:with:restartAfter:)`), used once.
    private var chosenDelays: [String: Duration] = [:]

    /// - Parameter report: one line per lifecycle step, for the operator's terminal.
    public init(
        children: [ChildProcess], restartPolicy: RestartPolicy = .init(), stopLimit: Duration = .seconds(10),
        logger: Logger, report: @escaping Event = { _ in }
    ) {
        self.children = children
        self.restartPolicy = restartPolicy
        self.stopLimit = stopLimit
        self.logger = logger
        self.report = report
    }

    /// The pid of each running child, by name (for status output and tests).
    public var pids: [String: Int32] { running }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for child in children {
                group.addTask { await self.keepRunning(child) }
            }
            // Wait for SIGTERM/SIGINT (or cancellation), then stop the children.
            try? await gracefulShutdown()
            await stopAll()
            group.cancelAll()  // children waiting out a restart delay stop waiting
        }
    }

    private func keepRunning(_ child: ChildProcess) async {
        var policy = restartPolicy
        while !stopping, !Task.isCancelled {
            let started = ContinuousClock.now
            let exit: String
            do {
                exit = try await launchAndWait(child)
            } catch {
                report("\(child.name): cannot start \(child.executable): \(error)")
                logger.error("cannot start child", metadata: ["child": "\(child.name)", "error": "\(error)"])
                exit = "could not start"
            }
            // Stopping (or cancelled): the exit was asked for, not a crash.
            if stopping || Task.isCancelled { break }
            let policyDelay = policy.delay(afterRunningFor: ContinuousClock.now - started)
            let delay = chosenDelays.removeValue(forKey: child.name) ?? policyDelay
            report("\(child.name) exited (\(exit)); restarting in \(delay)")
            logger.warning("child exited; restarting", metadata: ["child": "\(child.name)", "exit": "\(exit)", "delay": "\(delay)"])
            try? await Task.sleep(for: delay)
        }
    }

    /// Sends `signal` to the running child `name` and has it restarted `restartAfter` after it
    /// exits, instead of after the restart policy's delay (fault injection: `switchboard chaos`).
    /// Returns the pid signalled; nil when that child is not running.
    public func signal(_ name: String, with signal: Int32 = SIGKILL, restartAfter: Duration) -> Int32? {
        guard !stopping, let pid = running[name] else { return nil }
        chosenDelays[name] = restartAfter
        report("\(name) killed (pid \(pid), signal \(signal)); restarting \(restartAfter) after it exits")
        kill(pid, signal)
        return pid
    }

    /// Starts `child` and returns how it ended, once it has. swift-subprocess spawns it, not
    /// Foundation's `Process`, whose `run()` crashed (an overrun while listing descriptors to
    /// close) in a process that opened thousands of them meanwhile (decisions §27).
    private func launchAndWait(_ child: ChildProcess) async throws -> String {
        var overrides: [Environment.Key: String?] = [:]
        for (key, value) in child.environment { overrides[Environment.Key(stringLiteral: key)] = value }
        overrides[Environment.Key(stringLiteral: ParentWatch.environmentVariable)] = String(getpid())
        var options = PlatformOptions()
        // A group of its own, as Foundation's Process did: a terminal's Ctrl-C reaches only the
        // supervisor, which stops the children in order.
        options.processGroupID = 0
        let configuration = Configuration(
            executable: .path(.init(child.executable)), arguments: Arguments(child.arguments),
            environment: .inherit.updating(overrides), platformOptions: options)
        let result = try await Subprocess.run(
            configuration, input: .none, output: .currentStandardOutput, error: .currentStandardError
        ) { execution in
            self.started(child.name, pid: execution.processIdentifier.value)
        }
        running[child.name] = nil
        switch result.terminationStatus {
        case .exited(let code): return "status \(code)"
        case .signaled(let signal): return "signal \(signal)"
        }
    }

    private func started(_ name: String, pid: Int32) {
        running[name] = pid
        report("\(name) started (pid \(pid))")
    }

    /// SIGTERM to every child, then SIGKILL after `stopLimit` to what is left.
    private func stopAll() async {
        stopping = true
        for (name, pid) in running {
            report("stopping \(name) (pid \(pid))")
            kill(pid, SIGTERM)
        }
        let deadline = ContinuousClock.now.advanced(by: stopLimit)
        while ContinuousClock.now < deadline, !running.isEmpty {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for (name, pid) in running {
            report("\(name) did not stop within \(stopLimit): killing it")
            kill(pid, SIGKILL)
        }
        // SIGKILL cannot be refused; the exit is reaped within moments.
        let reapDeadline = ContinuousClock.now.advanced(by: .seconds(2))
        while ContinuousClock.now < reapDeadline, !running.isEmpty {
            try? await Task.sleep(for: .milliseconds(20))
        }
        report("all processes stopped")
    }
}
