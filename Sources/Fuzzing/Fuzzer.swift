import Foundation
import Logging
import SwitchboardCore

/// Runs the targets one after another and collects their tallies (`switchboard fuzz`).
public enum Fuzzer {
    /// Every target, in the order they run.
    public static let targets: [any FuzzTarget] = [
        CustomFuzzTarget(), SMSFuzzTarget(), MetaFuzzTarget(channelType: .facebook), MetaFuzzTarget(channelType: .whatsapp),
        TwitterFuzzTarget(), ChatHTTPFuzzTarget(), ChatSocketFuzzTarget(), WireFuzzTarget(published: false),
        WireFuzzTarget(published: true), AgentFrameFuzzTarget(), AgentHTTPFuzzTarget(), RouterFuzzTarget(), DistributorFuzzTarget(),
    ]

    public static var targetNames: [String] { targets.map(\.name) }

    /// Feeds each of `names` (all when empty) `iterations` inputs from `seed`; `progress` sees
    /// each tally as its target finishes. A target that cannot even be set up counts one crash.
    public static func run(
        names: [String] = [], seed: UInt64, iterations: Int, logger: Logger, progress: (FuzzTally) -> Void = { _ in }
    ) async -> FuzzReport {
        let chosen = names.isEmpty ? targets : targets.filter { names.contains($0.name) }
        var tallies: [FuzzTally] = []
        for target in chosen {
            var tally: FuzzTally
            do {
                tally = try await target.run(seed: seed, iterations: iterations, logger: logger)
            } catch {
                tally = FuzzTally(target: target.name, seed: seed)
                tally.crashes += 1
                tally.find("the target could not run: \(error)")
            }
            progress(tally)
            tallies.append(tally)
        }
        return FuzzReport(seed: seed, iterations: iterations, targets: tallies)
    }
}

/// Every target's tally from one run.
public struct FuzzReport: Sendable, Codable, Equatable {
    public var seed: UInt64
    public var iterations: Int
    public var targets: [FuzzTally]

    public init(seed: UInt64, iterations: Int, targets: [FuzzTally]) {
        self.seed = seed
        self.iterations = iterations
        self.targets = targets
    }

    public var failed: Bool { targets.contains(where: \.failed) }

    /// The human-readable table (`--json` prints the report as JSON instead).
    public var text: String {
        var lines = ["switchboard fuzz: seed \(seed), \(iterations) inputs per target"]
        for tally in targets { lines += Self.lines(tally) }
        lines.append(failed ? "FAILED: see the findings above" : "OK: 0 crashes, 0 stored from unsigned input, 0 server errors, 0 violations")
        return lines.joined(separator: "\n")
    }

    public static func lines(_ tally: FuzzTally) -> [String] {
        func listed(_ counts: [String: Int]) -> String {
            counts.isEmpty ? "none" : counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        var lines = [
            "\(tally.target.padding(toLength: 15, withPad: " ", startingAt: 0)) \(tally.inputs) inputs, accepted \(tally.accepted), "
                + "stored \(tally.storedSigned) (from unsigned input: \(tally.storedUnsigned)), 5xx \(tally.serverErrors), "
                + "crashes \(tally.crashes), violations \(tally.violations), \(String(format: "%.1f", tally.elapsedSeconds)) s, "
                + "\(Int(tally.inputsPerSecond.rounded())) inputs/s",
            "    rejected: \(listed(tally.rejections))",
            "    answers: \(listed(tally.answers))",
        ]
        lines += tally.findings.map { "    FINDING: \($0)" }
        return lines
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
