import Foundation
import SwitchboardTestSupport
import Testing

/// `switchboard bench` end to end with a tiny load (issue 7, part 1): it starts the real
/// processes, gets conversations to Active, measures the baseline, prints a report that
/// parses, and leaves no process behind. Figures are not checked: speed lives in the bench.
@Suite(.serialized) struct BenchSmokeTests {
    static let tinyLoad = [
        "bench", "--agents", "2", "--queues", "2", "--work-streams", "1", "--rules", "3", "--distributors", "1",
        "--warmup", "0.5", "--duration", "1.5", "--drain", "5", "--rate", "50", "--handle-time-ms", "200", "--json",
    ]

    @Test func aTinyBenchReportsConversationsReachingActive() throws {
        let directory = FileManager.default.temporaryDirectory
        let result = try SwitchboardRun.run(Self.tinyLoad, in: directory, timeout: .seconds(240))
        defer { Self.killLeftovers(in: result.stderr) }
        #expect(result.status == 0, "\(result.stderr.suffix(3000))")

        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "not JSON: \(result.stdout.prefix(500))")
        let runs = try #require(report["runs"] as? [[String: Any]])
        #expect(runs.compactMap { $0["entry"] as? String } == ["webhook", "submit"])
        for run in runs {
            let active = run["reachedActive"] as? Int ?? 0
            #expect(active > 0, "no conversation reached Active in \(run["entry"] ?? "?"): \(result.stderr.suffix(2000))")
            let processes = (run["processes"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(Set(processes).isSuperset(of: ["router", "presence", "distributor-1", "ingress-custom", "bench"]))
            #expect((run["sendToActive"] as? [String: Any])?["count"] as? Int ?? 0 > 0)
            #expect(run["systemCPUSecondsPer1000"] as? Double ?? 0 > 0)
        }
        let baseline = try #require(report["baseline"] as? [String: Any])
        #expect(baseline["messagesPerSecond"] as? Double ?? 0 > 0)

        let pids = Self.childPIDs(in: result.stderr)
        #expect(pids.count == 8, "4 system processes and 4 baseline nodes: \(pids)")
        for pid in pids { #expect(!Self.isRunning(pid), "child \(pid) outlived switchboard bench") }
    }

    @Test func ctrlCStopsTheBenchAndEveryChild() async throws {
        let directory = try TemporaryDirectory("switchboard-bench-test")
        defer { directory.remove() }
        let output = URL(fileURLWithPath: directory.path + "/bench.err")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let bench = Process()
        bench.executableURL = try SwitchboardRun.executable()
        bench.arguments = ["bench", "--agents", "2", "--queues", "1", "--distributors", "1", "--duration", "60", "--no-baseline"]
        bench.standardOutput = handle
        bench.standardError = handle
        bench.standardInput = FileHandle.nullDevice
        try bench.run()
        var log = ""
        defer {
            if bench.isRunning { kill(bench.processIdentifier, SIGKILL) }
            Self.killLeftovers(in: log)
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while !log.contains("measured"), bench.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            log = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        }
        #expect(log.contains("measured"), "the bench never started its load: \(log.suffix(2000))")
        kill(bench.processIdentifier, SIGINT)
        let stopDeadline = ContinuousClock.now + .seconds(60)
        while bench.isRunning, ContinuousClock.now < stopDeadline { try await Task.sleep(for: .milliseconds(50)) }
        log = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        #expect(!bench.isRunning, "switchboard bench did not stop on SIGINT")
        #expect(bench.terminationStatus == 130, "\(log.suffix(2000))")
        let pids = Self.childPIDs(in: log)
        #expect(pids.count == 4)
        for pid in pids { #expect(!Self.isRunning(pid), "child \(pid) outlived switchboard bench") }
    }

    static func childPIDs(in output: String) -> [Int32] {
        output.matches(of: /bench: [a-z0-9-]+ started \(pid (\d+)\)/).compactMap { Int32($0.output.1) }
    }

    static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        return !status.contains("State:\tZ")
    }

    /// Whatever the outcome, no child of the bench outlives the test.
    static func killLeftovers(in output: String) {
        for pid in childPIDs(in: output) where isRunning(pid) { kill(pid, SIGKILL) }
    }
}
