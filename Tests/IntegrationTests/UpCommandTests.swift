import Foundation
import SwitchboardTestSupport
import Testing

/// `switchboard up` runs every process as its child and leaves no orphans, whether it is
/// stopped with SIGTERM or killed outright.
@Suite(.serialized) struct UpCommandTests {
    /// Starts `switchboard up` on the test configuration; returns it and the children's pids
    /// once every child reported its start and is healthy.
    func startUp(_ system: RunningSystem) async throws -> (Process, [Int32], URL) {
        let output = URL(fileURLWithPath: system.directory.path + "/up.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        let up = Process()
        up.executableURL = try SwitchboardRun.executable()
        up.arguments = ["up", "--config", system.configPath, "--data-dir", system.directory.path + "/data"]
        up.environment = ProcessInfo.processInfo.environment.merging(system.secrets) { _, new in new }
        up.standardOutput = handle
        up.standardError = handle
        up.standardInput = FileHandle.nullDevice
        try up.run()
        try await system.waitHealthy(WalkingSkeletonTests.everything, within: .seconds(60))
        let pids = try Self.childPIDs(in: String(contentsOf: output, encoding: .utf8))
        #expect(pids.count == 5)
        return (up, pids, output)
    }

    static func childPIDs(in output: String) throws -> [Int32] {
        output.matches(of: /\[up\] [a-z0-9-]+ started \(pid (\d+)\)/).compactMap { Int32($0.output.1) }
    }

    /// The pid `switchboard up` printed for `child` (children start together, so the lines
    /// come in any order).
    static func pid(of child: String, in output: String) -> Int32? {
        output.matches(of: /\[up\] ([a-z0-9-]+) started \(pid (\d+)\)/).first { $0.output.1 == child }.flatMap { Int32($0.output.2) }
    }

    /// Runs `body` with a started `switchboard up`, then ends whatever is left of it and its
    /// children, by pid, whatever the body did.
    func withUp(_ body: (RunningSystem, Process, [Int32], URL) async throws -> Void) async throws {
        let system = try RunningSystem()
        var started: (Process, [Int32], URL)?
        do {
            started = try await startUp(system)
            if let (up, children, output) = started { try await body(system, up, children, output) }
        } catch {
            Issue.record("\(error)")
        }
        if let (up, children, output) = started {
            kill(up.processIdentifier, SIGKILL)
            let all = children + ((try? Self.childPIDs(in: String(contentsOf: output, encoding: .utf8))) ?? [])
            for pid in all where isRunning(pid) { kill(pid, SIGKILL) }
        }
        await system.stopAll()
    }

    func isRunning(_ pid: Int32) -> Bool {
        // A zombie still answers kill(0); /proc says whether it is really running.
        guard kill(pid, 0) == 0 else { return false }
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return !status.contains("State:\tZ")
    }

    @Test func sigtermStopsEveryChild() async throws {
        try await withUp { _, up, children, output in
            kill(up.processIdentifier, SIGTERM)
            try await withTimeout(.seconds(30), "switchboard up exits") {
                while up.isRunning { try await Task.sleep(for: .milliseconds(50)) }
            }
            for pid in children { #expect(!isRunning(pid), "child \(pid) outlived switchboard up") }
            let text = try String(contentsOf: output, encoding: .utf8)
            #expect(text.contains("[up] all processes stopped"))
            #expect(up.terminationStatus == 0, "\(text.suffix(2000))")
        }
    }

    @Test func aKilledSupervisorLeavesNoOrphans() async throws {
        try await withUp { _, up, children, _ in
            kill(up.processIdentifier, SIGKILL)
            try await withTimeout(.seconds(30), "children notice their supervisor is gone") {
                while children.contains(where: { isRunning($0) }) { try await Task.sleep(for: .milliseconds(100)) }
            }
        }
    }

    @Test func aChildThatDiesIsStartedAgain() async throws {
        try await withUp { system, up, children, output in
            let router = try #require(Self.pid(of: "router", in: String(contentsOf: output, encoding: .utf8)))
            kill(router, SIGKILL)
            try await withTimeout(.seconds(30), "a restarted child") {
                while try Self.childPIDs(in: String(contentsOf: output, encoding: .utf8)).count < 6 {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let text = try String(contentsOf: output, encoding: .utf8)
            #expect(text.contains("router exited"))
            try await system.waitHealthy([.router])
            kill(up.processIdentifier, SIGTERM)
            try await withTimeout(.seconds(30), "switchboard up exits") {
                while up.isRunning { try await Task.sleep(for: .milliseconds(50)) }
            }
        }
    }
}
