import Foundation
import Logging
import ServiceLifecycle

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
    private var running: [String: Process] = [:]
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
    public var pids: [String: Int32] { running.mapValues(\.processIdentifier) }

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
            let status: Int32
            do {
                status = try await launchAndWait(child)
            } catch {
                report("\(child.name): cannot start \(child.executable): \(error)")
                logger.error("cannot start child", metadata: ["child": "\(child.name)", "error": "\(error)"])
                status = -1
            }
            // Stopping (or cancelled): the exit was asked for, not a crash.
            if stopping || Task.isCancelled { break }
            let policyDelay = policy.delay(afterRunningFor: ContinuousClock.now - started)
            let delay = chosenDelays.removeValue(forKey: child.name) ?? policyDelay
            report("\(child.name) exited (\(Self.describe(status))); restarting in \(delay)")
            logger.warning("child exited; restarting", metadata: ["child": "\(child.name)", "status": "\(status)", "delay": "\(delay)"])
            try? await Task.sleep(for: delay)
        }
    }

    /// Sends `signal` to the running child `name` and has it restarted `restartAfter` after it
    /// exits, instead of after the restart policy's delay (fault injection: `switchboard chaos`).
    /// Returns the pid signalled; nil when that child is not running.
    public func signal(_ name: String, with signal: Int32 = SIGKILL, restartAfter: Duration) -> Int32? {
        guard !stopping, let process = running[name], process.isRunning else { return nil }
        chosenDelays[name] = restartAfter
        let pid = process.processIdentifier
        report("\(name) killed (pid \(pid), signal \(signal)); restarting \(restartAfter) after it exits")
        kill(pid, signal)
        return pid
    }

    private func launchAndWait(_ child: ChildProcess) async throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: child.executable)
        process.arguments = child.arguments
        var environment = ProcessInfo.processInfo.environment
        environment.merge(child.environment) { _, new in new }
        environment[ParentWatch.environmentVariable] = String(getpid())
        process.environment = environment
        let exited = AsyncStream.makeStream(of: Int32.self, bufferingPolicy: .bufferingNewest(1))
        process.terminationHandler = { process in
            exited.continuation.yield(process.terminationStatus)
            exited.continuation.finish()
        }
        try process.run()
        running[child.name] = process
        report("\(child.name) started (pid \(process.processIdentifier))")
        var status: Int32 = -1
        for await code in exited.stream { status = code }
        running[child.name] = nil
        return status
    }

    /// SIGTERM to every child, then SIGKILL after `stopLimit` to what is left.
    private func stopAll() async {
        stopping = true
        let processes = Array(running)
        for (name, process) in processes where process.isRunning {
            report("stopping \(name) (pid \(process.processIdentifier))")
            kill(process.processIdentifier, SIGTERM)
        }
        let deadline = ContinuousClock.now.advanced(by: stopLimit)
        while ContinuousClock.now < deadline, processes.contains(where: { $0.value.isRunning }) {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for (name, process) in processes where process.isRunning {
            report("\(name) did not stop within \(stopLimit): killing it")
            kill(process.processIdentifier, SIGKILL)
        }
        // SIGKILL cannot be refused; the exit is reaped within moments.
        let reapDeadline = ContinuousClock.now.advanced(by: .seconds(2))
        while ContinuousClock.now < reapDeadline, processes.contains(where: { $0.value.isRunning }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        report("all processes stopped")
    }

    private static func describe(_ status: Int32) -> String {
        status < 0 ? "could not start" : "status \(status)"
    }
}
