import Fuzzing
import Logging
import Testing

/// The short version of `switchboard fuzz` (README, "Fuzz"): 2,000 seeded inputs per target,
/// in process (1,000 for the router and the distributor, whose every input crosses a real
/// socket and a store). The seed is printed; `SWITCHBOARD_FUZZ_SEED=<seed>` replays a run.
@Suite(.timeLimit(.minutes(3))) struct FuzzerTests {
    static let iterations = 2_000
    /// Targets that run a whole service per input batch: slower per input.
    static let serviceTargets: Set<String> = ["router", "distributor"]
    static let webhookTargets: Set<String> = ["custom", "sms", "facebook", "whatsapp", "twitter"]

    static var quiet: Logger {
        var logger = Logger(label: "fuzz-test")
        logger.logLevel = .critical
        return logger
    }

    @Test(arguments: Fuzzer.targetNames)
    func aShortSeededRunFindsNoCrashNoUnsignedRowNoServerError(_ name: String) async throws {
        let seed = SplitMix64.seed(fromEnvironment: "SWITCHBOARD_FUZZ_SEED")
        print("FuzzerTests[\(name)] seed \(seed) (replay: SWITCHBOARD_FUZZ_SEED=\(seed))")
        let iterations = Self.serviceTargets.contains(name) ? Self.iterations / 2 : Self.iterations
        let report = await Fuzzer.run(names: [name], seed: seed, iterations: iterations, logger: Self.quiet)
        let tally = try #require(report.targets.first)
        let shown = FuzzReport.lines(tally).joined(separator: "\n")
        print(shown)
        #expect(tally.target == name)
        #expect(tally.inputs >= iterations, "\(shown)")
        #expect(!tally.failed, "seed \(seed):\n\(shown)")
        #expect(tally.crashes == 0 && tally.storedUnsigned == 0 && tally.serverErrors == 0 && tally.violations == 0)
        // Both sides were reached: inputs taken as valid, and inputs refused for a reason.
        #expect(tally.accepted > 0, "\(shown)")
        #expect(!tally.rejections.isEmpty, "\(shown)")
        if Self.webhookTargets.contains(name) {
            // Re-signed mutations got past the signature check to the parser and were stored.
            #expect(tally.storedSigned > 0, "\(shown)")
            #expect(tally.rejections["signature", default: 0] > 0 && tally.rejections["malformed", default: 0] > 0, "\(shown)")
        }
        if name == "wire" || name == "wire-published" {
            // Every message type's payload decoder decoded something.
            let decodedTypes = tally.answers.keys.filter { $0.hasPrefix("decoded:") }
            #expect(decodedTypes.count == 29, "\(decodedTypes.sorted())")
            #expect(tally.rejections["invalidBody", default: 0] > 0 && tally.rejections["wrongFrameCount", default: 0] > 0, "\(shown)")
        }
        if Self.serviceTargets.contains(name) {
            // The services took valid input, stored it, and refused hostile input for its own
            // reasons, on each of their links. Each group holds refusals common enough to come
            // up in 1,000 inputs whatever the seed: "unknown conversation" alone comes about 5
            // times per 1,000, and seed 5672582282412206518 gave none.
            #expect(tally.storedSigned > 0, "\(shown)")
            let refusalGroups: [[String]] =
                name == "router"
                ? [["unknown channel instance"], ["unknown conversation", "unknown queue", "unknownQueue", "queueOwned"]]
                : [["does not own queue"], ["unknownConversation", "notAllowed", "invalidState"]]
            for group in refusalGroups {
                #expect(group.reduce(0) { $0 + tally.rejections[$1, default: 0] } > 0, "one of \(group): \(shown)")
            }
        }
        if name == "chat-socket" {
            #expect(tally.storedSigned > 0 && tally.answers["ack", default: 0] > 0, "\(shown)")
        }
    }

    @Test func theSameSeedGivesTheSameInputsAndTheSameFigures() async {
        let first = await Fuzzer.run(names: ["wire", "agent"], seed: 42, iterations: 500, logger: Self.quiet)
        let second = await Fuzzer.run(names: ["wire", "agent"], seed: 42, iterations: 500, logger: Self.quiet)
        #expect(first.targets.map(\.rejections) == second.targets.map(\.rejections))
        #expect(first.targets.map(\.answers) == second.targets.map(\.answers))
        let other = await Fuzzer.run(names: ["wire"], seed: 43, iterations: 500, logger: Self.quiet)
        #expect(other.targets.map(\.answers) != first.targets.prefix(1).map(\.answers))
    }

    @Test func theReportNamesEveryFigureAndFailsOnAnyFinding() throws {
        var tally = FuzzTally(target: "custom", seed: 7)
        tally.inputs = 10
        tally.rejections = ["signature": 4]
        #expect(!FuzzReport(seed: 7, iterations: 10, targets: [tally]).failed)
        let text = FuzzReport(seed: 7, iterations: 10, targets: [tally]).text
        #expect(text.contains("custom") && text.contains("10 inputs") && text.contains("signature 4") && text.contains("inputs/s"))
        for broken in [\FuzzTally.crashes, \.storedUnsigned, \.serverErrors, \.violations] {
            var failing = tally
            failing[keyPath: broken] = 1
            #expect(FuzzReport(seed: 7, iterations: 10, targets: [failing]).failed)
        }
        let json = FuzzReport(seed: 7, iterations: 10, targets: [tally]).json
        #expect(json.contains("\"storedUnsigned\" : 0") && json.contains("\"inputsPerSecond\""))
    }
}
