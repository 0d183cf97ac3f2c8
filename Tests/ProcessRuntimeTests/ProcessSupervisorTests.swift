import Foundation
import Logging
import ServiceLifecycle
import SwitchboardTestSupport
import Testing

@testable import ProcessRuntime

@Suite struct RestartPolicyTests {
    @Test func delaysDoubleWhileAChildKeepsCrashingAndResetAfterAStableRun() {
        var policy = RestartPolicy(initialDelay: .milliseconds(500), maximumDelay: .seconds(4), stableAfter: .seconds(60))
        let quick = Duration.seconds(1)
        #expect((0..<6).map { _ in policy.delay(afterRunningFor: quick) }
            == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(4), .seconds(4)])
        #expect(policy.delay(afterRunningFor: .seconds(61)) == .milliseconds(500))
    }
}

@Suite(.serialized) struct ProcessSupervisorTests {
    func isRunning(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    @Test func aKilledChildIsRestartedAndGracefulShutdownStopsEveryChild() async throws {
        let lines = Collector<String>()
        let supervisor = ProcessSupervisor(
            children: [
                ChildProcess(name: "sleeper-a", executable: "/bin/sleep", arguments: ["30"]),
                ChildProcess(name: "sleeper-b", executable: "/bin/sleep", arguments: ["30"]),
            ],
            restartPolicy: RestartPolicy(initialDelay: .milliseconds(50)), stopLimit: .seconds(2),
            logger: Logger(label: "test"), report: { lines.append($0) })
        let group = ServiceGroup(configuration: .init(services: [supervisor], logger: Logger(label: "test")))
        let running = Task { try await group.run() }

        try await withTimeout(.seconds(5), "both started") {
            while await supervisor.pids.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        }
        let first = try #require(await supervisor.pids["sleeper-a"])
        kill(first, SIGKILL)
        let restarted = try await withTimeout(.seconds(5), "sleeper-a restarted") {
            while true {
                if let pid = await supervisor.pids["sleeper-a"], pid != first { return pid }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        #expect(lines.all.contains { $0.hasPrefix("sleeper-a exited") && $0.contains("restarting in") })

        let children = Array(await supervisor.pids.values)
        await group.triggerGracefulShutdown()
        try await withTimeout(.seconds(5), "supervisor stops") { try await running.value }
        #expect(children.contains(restarted))
        for pid in children { #expect(!isRunning(pid), "child \(pid) still running") }
        #expect(lines.all.last == "all processes stopped")
    }

    @Test func aChildThatIgnoresSIGTERMIsKilledAfterTheLimit() async throws {
        // Short sleeps: Foundation learns of a child's exit only once its descendants let go
        // of the inherited descriptors, and our real children have no descendants.
        let script = "trap '' TERM; while :; do sleep 0.1; done"
        let lines = Collector<String>()
        let supervisor = ProcessSupervisor(
            children: [ChildProcess(name: "stubborn", executable: "/bin/sh", arguments: ["-c", script])],
            stopLimit: .milliseconds(300), logger: Logger(label: "test"), report: { lines.append($0) })
        let group = ServiceGroup(configuration: .init(services: [supervisor], logger: Logger(label: "test")))
        let running = Task { try await group.run() }
        let pid = try await withTimeout(.seconds(5), "started") {
            while true {
                if let pid = await supervisor.pids["stubborn"] { return pid }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await Task.sleep(for: .milliseconds(100))  // let the shell install its trap
        await group.triggerGracefulShutdown()
        try await withTimeout(.seconds(5), "supervisor stops") { try await running.value }
        #expect(!isRunning(pid), "\(lines.all)")
    }
}
