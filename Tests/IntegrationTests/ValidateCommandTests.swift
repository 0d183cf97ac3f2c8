import Foundation
import Testing

/// Runs the real `switchboard` executable, as an operator would.
@Suite struct ValidateCommandTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func shippedConfigIsValidAndSummarized() throws {
        let result = try SwitchboardRun.run(["validate", "config/switchboard.yaml"], in: Self.packageRoot)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.isEmpty, "the shipped example has no warnings: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "config/switchboard.yaml: valid")
        #expect(lines.contains("work streams (6):"))
        #expect(lines.contains("  retail-chat: chat, push, capacity 2, select from push; 3 rules, fallback support"))
        #expect(lines.contains("  web-chat: chat → retail-chat"))
        #expect(lines.contains("  billing: priority 1, highestCapacity, 3 agents, distributor distributor-1"))
        #expect(lines.contains("agents (4):"))
        #expect(lines.contains("  In a meeting → busyDnd"))
    }

    @Test func brokenConfigListsEveryErrorAndExitsOne() throws {
        var yaml = try String(contentsOf: Self.packageRoot.appendingPathComponent("config/switchboard.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "    capacity: 2\n", with: "    capacity: -3\n")
        yaml = yaml.replacingOccurrences(of: "    maxDeclines: 2\n", with: "    maxDecline: 2\n")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-validate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try yaml.write(to: directory.appendingPathComponent("broken.yaml"), atomically: true, encoding: .utf8)

        let result = try SwitchboardRun.run(["validate", "broken.yaml"], in: directory)
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let capacityLine = try #require(lineNumber(of: "capacity: -3", in: yaml))
        let declinesLine = try #require(lineNumber(of: "maxDecline: 2", in: yaml))
        let stderr = result.stderr.split(separator: "\n").map(String.init)
        #expect(stderr == [
            "broken.yaml:\(capacityLine): workStreams[0].capacity: must be a positive integer, got -3",
            "broken.yaml:\(declinesLine): queues[0].maxDecline: unknown field 'maxDecline' (did you mean 'maxDeclines'?); expected one of: name, priority, agents, assignment, offerTimeout, maxDeclines, onMissedOffer",
            "broken.yaml: 2 configuration errors",
        ])
    }

    @Test func missingFileIsAClearError() throws {
        let result = try SwitchboardRun.run(["validate", "no-such-file.yaml"], in: Self.packageRoot)
        #expect(result.status == 2)
        #expect(result.stderr == "error: cannot read configuration file 'no-such-file.yaml': No such file or directory\n")
    }

    private func lineNumber(of marker: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(marker) }.map { $0 + 1 }
    }
}

/// Finds and runs the built `switchboard` executable with a time limit.
enum SwitchboardRun {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    struct NotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String { "switchboard executable not found; looked in: \(searched.joined(separator: ", "))" }
    }

    struct TimedOut: Error {}

    /// The products directory holds the test bundle and the executables; walk up from the
    /// test process (Linux: `.build/debug/X.xctest`; macOS: inside the bundle), then fall
    /// back to the package's `.build/debug`.
    static func executable() throws -> URL {
        var candidates: [URL] = []
        if let directory = ProcessInfo.processInfo.environment["SWITCHBOARD_BIN_DIR"] {
            candidates.append(URL(fileURLWithPath: directory))
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory)
            directory.deleteLastPathComponent()
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
        candidates.append(ValidateCommandTests.packageRoot.appendingPathComponent(".build/debug"))
        for candidate in candidates {
            let file = candidate.appendingPathComponent("switchboard")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: file.path) {
                return file
            }
        }
        throw NotFound(searched: candidates.map(\.path))
    }

    /// `environment` is added to this process's environment for the child.
    static func run(
        _ arguments: [String], in directory: URL, environment: [String: String] = [:], timeout: Duration = .seconds(20)
    ) throws -> Result {
        let process = Process()
        process.executableURL = try executable()
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        process.currentDirectoryURL = directory
        // Files, not pipes: a full pipe can never block the child.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outURL = scratch.appendingPathComponent("stdout")
        let errURL = scratch.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        defer {
            try? out.close()
            try? err.close()
        }
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw TimedOut()
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: outURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        )
    }
}
