import Foundation
import SwitchboardTestSupport
import Testing

/// `switchboard chaos` end to end, short (issue 7, part 2): a small load while every process
/// is SIGKILLed once and restarted, and agents switch presence and drop their connections
/// every 2 s or so; the run must find no violation (every message reached its agent, every
/// accepted reply its provider once), report its counts, and leave no process behind.
/// Disconnects were off until presence held messages for absent agents and took receipts
/// (decisions §24): before, one short debug run in five ended with a message never delivered.
@Suite(.serialized) struct ChaosSmokeTests {
    static let shortRun = [
        "chaos", "--rate", "50", "--duration", "6", "--seed", "11", "--agents", "6", "--agent-capacity", "3",
        "--distributors", "2", "--queues", "2", "--kill-every", "1", "--min-pause", "0.2", "--max-pause", "0.6",
        "--disconnect-every", "2", "--away-every", "2", "--min-handle-ms", "50", "--max-handle-ms", "150", "--reply-probability", "0.5",
        "--drain", "20", "--json",
    ]

    @Test func aShortChaosRunKillsEveryProcessAndFindsNoViolation() throws {
        let result = try SwitchboardRun.run(Self.shortRun, in: FileManager.default.temporaryDirectory, timeout: .seconds(59))
        defer { Self.killLeftovers(in: result.stderr) }
        #expect(result.status == 0, "\(result.stdout.suffix(3000))\n\(result.stderr.suffix(3000))")

        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "not JSON: \(result.stdout.prefix(500))")
        #expect(report["violations"] as? Int == 0)
        #expect(report["webhooks2xx"] as? Int ?? 0 > 0)
        #expect(report["conversationsActive"] as? Int ?? 0 > 0)
        let findings = try #require(report["findings"] as? [String: Any])
        for count in ["lost", "duplicated", "notReachedAgent", "doubleActive", "overCapacityOffers", "wrongPresenceOffers", "repliesMissing", "repliesDuplicated"] {
            #expect(findings[count] as? Int == 0, "\(count): \(findings["examples"] ?? [])")
        }
        #expect(findings["repliesAccepted"] as? Int ?? 0 > 0)
        let processes = try #require(report["processes"] as? [[String: Any]])
        #expect(Set(processes.compactMap { $0["name"] as? String }) == ["ingress-custom", "ingress-sms", "router", "distributor-1", "distributor-2", "presence"])
        for process in processes {
            #expect(process["kills"] as? Int ?? 0 >= 1, "\(process)")
            #expect(process["restarts"] as? Int ?? 0 >= 1, "\(process)")
        }
        for pid in Self.childPIDs(in: result.stderr) { #expect(!BenchSmokeTests.isRunning(pid), "child \(pid) outlived switchboard chaos") }
    }

    static func childPIDs(in output: String) -> [Int32] {
        output.matches(of: /chaos: [a-z0-9-]+ started \(pid (\d+)\)/).compactMap { Int32($0.output.1) }
    }

    static func killLeftovers(in output: String) {
        for pid in childPIDs(in: output) where BenchSmokeTests.isRunning(pid) { kill(pid, SIGKILL) }
    }
}
