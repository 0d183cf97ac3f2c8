import ArgumentParser
import Foundation
import Fuzzing
import Logging

/// `switchboard fuzz`: feeds every adapter and every inter-process decoder seeded random
/// and mutated inputs, and checks that none crashes, none stores an unsigned input and none
/// answers bad input with a 5xx (README, "Fuzz"). Meant for a release build.
struct FuzzCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Feed every adapter and inter-process decoder random and mutated inputs; exit non-zero on a crash, an unsigned input stored or a 5xx.",
        discussion: "Targets: \(Fuzzer.targets.map { "\($0.name) (\($0.about))" }.joined(separator: "; ")).")

    @Option(help: "Inputs per target.")
    var iterations = 100_000

    @Option(help: "Seed of the generator (printed when omitted); the same seed gives the same inputs.")
    var seed: UInt64?

    @Option(name: .customLong("target"), help: "A target to run (repeatable); all when omitted.")
    var targets: [String] = []

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        guard iterations > 0 else { throw ValidationError("--iterations must be positive") }
        let unknown = targets.filter { !Fuzzer.targetNames.contains($0) }
        guard unknown.isEmpty else {
            throw ValidationError("unknown target \(unknown.joined(separator: ", ")); known: \(Fuzzer.targetNames.joined(separator: ", "))")
        }
    }

    func run() async throws {
        // Hundreds of thousands of refusals are the point: their log lines are not.
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .critical
            return handler
        }
        var logger = Logger(label: "switchboard-fuzz")
        logger.logLevel = .critical
        let seed = self.seed ?? UInt64.random(in: 0...UInt64.max)
        // First, so a trap that kills the process still leaves what replays it.
        FileHandle.standardError.write(Data("switchboard fuzz: seed \(seed) (replay with --seed \(seed))\n".utf8))
        let json = self.json
        let report = await Fuzzer.run(names: targets, seed: seed, iterations: iterations, logger: logger) { tally in
            // Each target as it finishes, also when stdout is a file.
            if !json { FileHandle.standardOutput.write(Data((FuzzReport.lines(tally).joined(separator: "\n") + "\n").utf8)) }
        }
        if json {
            print(report.json)
        } else {
            print(report.failed ? "FAILED: see the findings above" : "OK: 0 crashes, 0 stored from unsigned input, 0 server errors, 0 violations")
        }
        if report.failed { throw ExitCode(1) }
    }
}
