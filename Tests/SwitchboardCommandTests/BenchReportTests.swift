import Testing

@testable import switchboard

/// The bench's sum over the system's processes: what a conversation costs all of them
/// together, without the bench's own load generator and agents.
@Suite struct BenchReportTests {
    static func process(_ name: String, _ perThousand: Double?) -> BenchReport.ProcessFigures {
        BenchReport.ProcessFigures(name: name, pid: 1, cpuSeconds: 1, cpuSecondsPer1000: perThousand, peakResidentMiB: 10)
    }

    @Test func theSystemsCPUSumsEveryProcessButTheBench() {
        var run = BenchReport.Run(
            entry: "webhook", durationSeconds: 10, sent: 100, reachedActive: 100, conversationsPerSecond: 10, sendToOffer: nil,
            sendToActive: nil, lateSends: 0, stillInFlight: 0, sendFailures: [:], refusedAccepts: 0, actionOutcomes: [:], agentErrors: [:],
            processes: [Self.process("bench", 1.0), Self.process("router", 0.5), Self.process("presence", 1.0), Self.process("idle", nil)],
            ratioToBaseline: nil)
        run.sumSystemCPU(cores: 2, benchName: "bench")
        #expect(run.systemCPUSecondsPer1000 == 1.5)
        #expect(abs((run.coresWouldCarryPerSecond ?? 0) - 2_000 / 1.5) < 1e-9)
    }

    @Test func messagesPerConversationSumEveryProcessThatWasRead() {
        var router = Self.process("router", 0.5)
        router.work = BenchReport.WorkFigures(
            messagesReceived: 4, receivedByType: ["Submit": 1, "Ack": 3], messagesResent: 0, storeTransactions: 1.2, writesPerTransaction: 2.5)
        var presence = Self.process("presence", 1.0)
        presence.work = BenchReport.WorkFigures(
            messagesReceived: 9.5, receivedByType: ["Ack": 5.5, "Reserve": 4, "Heartbeat": 0.01], messagesResent: 0.1, storeTransactions: 2,
            writesPerTransaction: 1)
        var run = BenchReport.Run(
            entry: "webhook", durationSeconds: 10, sent: 100, reachedActive: 100, conversationsPerSecond: 10, sendToOffer: nil,
            sendToActive: nil, lateSends: 0, stillInFlight: 0, sendFailures: [:], refusedAccepts: 0, actionOutcomes: [:], agentErrors: [:],
            processes: [Self.process("bench", 1.0), router, presence, Self.process("unread", 0.1)], ratioToBaseline: nil)
        run.sumSystemCPU(cores: 2, benchName: "bench")
        #expect(run.messagesPerConversation == 13.5)
        #expect(run.messagesPerConversationByType == ["Ack": 8.5, "Reserve": 4, "Submit": 1, "Heartbeat": 0.01])
        #expect(BenchReport.byTypeText(run.messagesPerConversationByType ?? [:]) == "Ack 8.5, Reserve 4.0, Submit 1.0")
        #expect(BenchReport.byTypeText(["Heartbeat": 0.01]) == nil)
        #expect(BenchReport.workText(presence.work!) == "per conversation: 9.5 messages in, 0.10 resent, 2.00 commits of 1.0 writes")
    }
}

/// The bench reads each process's own counters at both ends of the window.
@Suite struct WorkSampleTests {
    static let exposition = """
        # TYPE switchboard_wire_received_total counter
        switchboard_wire_received_total{link="requests",type="Reserve"} 300
        switchboard_wire_received_total{link="requests",type="Release"} 100
        switchboard_wire_received_total_bogus 7
        switchboard_wire_resent_total{link="requests"} 2
        switchboard_store_transactions_total{store="reservations"} 200
        switchboard_store_writes_total{store="reservations"} 250
        switchboard_store_writes_total{store="other"} 50
        switchboard_store_wal_bytes{store="reservations"} 1048576
        switchboard_store_wal_bytes{store="other"} 3145728
        switchboard_presence_agents 20
        not a line
        """

    @Test func theCountersAreSummedOverTheirLabelsAndOthersIgnored() {
        #expect(WorkSample.parse(Self.exposition) == WorkSample.Counters(
            messagesReceived: 400, receivedByType: ["Reserve": 300, "Release": 100], messagesResent: 2, storeTransactions: 200, storeWrites: 300,
            largestWALBytes: 3_145_728))
    }

    @Test func theLargestWALAtTheEndIsReportedInMiB() throws {
        let before = WorkSample(counters: ["router": .init(largestWALBytes: 1_048_576)])
        let after = WorkSample(counters: ["router": .init(storeTransactions: 10, storeWrites: 10, largestWALBytes: 5_242_880)])
        let figures = after.figures(since: before, through: 10)
        #expect(figures["router"]?.largestWALMiB == 5)
        #expect(BenchReport.workText(try #require(figures["router"])).hasSuffix("; WAL 5.0 MiB"))
    }

    @Test func twoSamplesGiveWhatEachProcessDidPerConversation() {
        let before = WorkSample(counters: [
            "presence": .init(messagesReceived: 100, receivedByType: ["Reserve": 60, "Ack": 40], messagesResent: 0, storeTransactions: 50, storeWrites: 50),
            "gone": .init(messagesReceived: 1, messagesResent: 0, storeTransactions: 0, storeWrites: 0),
        ])
        let after = WorkSample(counters: [
            "presence": .init(
                messagesReceived: 1_100, receivedByType: ["Reserve": 660, "Ack": 40, "Release": 400], messagesResent: 10, storeTransactions: 250,
                storeWrites: 450),
            "new": .init(messagesReceived: 5, messagesResent: 0, storeTransactions: 0, storeWrites: 0),
        ])
        let figures = after.figures(since: before, through: 100)
        // Ack did not move in the window: left out.
        #expect(figures == ["presence": BenchReport.WorkFigures(
            messagesReceived: 10, receivedByType: ["Reserve": 6, "Release": 4], messagesResent: 0.1, storeTransactions: 2, writesPerTransaction: 2)])
        #expect(after.figures(since: before, through: 0).isEmpty, "no conversation, no per-conversation figure")
    }
}

/// `--repeat`: each entry's runs summed up by their median and range.
@Suite struct BenchSummaryTests {
    static func run(_ entry: String, _ rate: Double, cpu: Double?, ratio: Double? = nil, offerP99: UInt64? = nil) -> BenchReport.Run {
        var run = BenchReport.Run(
            entry: entry, durationSeconds: 10, sent: 100, reachedActive: 100, conversationsPerSecond: rate,
            sendToOffer: offerP99.map { LatencySummary(count: 100, p50: $0 / 2, p90: $0 / 2, p99: $0, p999: $0, max: $0) },
            sendToActive: nil, lateSends: 0, stillInFlight: 0, sendFailures: [:], refusedAccepts: 0, actionOutcomes: [:], agentErrors: [:],
            processes: [], ratioToBaseline: ratio)
        run.systemCPUSecondsPer1000 = cpu
        return run
    }

    @Test func theMedianOfAnOddCountIsItsMiddleValueAndOfAnEvenCountTheMeanOfTheTwo() {
        #expect(BenchSpread([714, 476, 545]) == BenchSpread(median: 545, min: 476, max: 714))
        #expect(BenchSpread([4, 1, 3, 2]) == BenchSpread(median: 2.5, min: 1, max: 4))
        #expect(BenchSpread([]) == nil)
    }

    @Test func onlyEntriesThatRanMoreThanOnceAreSummedUpEachOnItsOwnRuns() throws {
        let runs = [
            Self.run("webhook", 476, cpu: 3.4, ratio: 0.034, offerP99: 1_260_000), Self.run("webhook", 714, cpu: 2.3, ratio: 0.05),
            Self.run("webhook", 545, cpu: 3.0, ratio: 0.04), Self.run("submit", 686, cpu: 2.4),
        ]
        let summaries = BenchSummary.of(runs, paced: false)
        try #require(summaries.count == 1)
        let webhook = summaries[0]
        #expect(webhook.entry == "webhook" && webhook.runs == 3)
        #expect(webhook.conversationsPerSecond == BenchSpread(median: 545, min: 476, max: 714))
        #expect(webhook.systemCPUSecondsPer1000 == BenchSpread(median: 3.0, min: 2.3, max: 3.4))
        #expect(webhook.ratioToBaseline?.median == 0.04)
        #expect(webhook.sendToOfferP99Micros == nil, "unpaced: no latency figure")
        #expect(webhook.text == "[webhook] median of 3 runs: 545 conversations/s (476–714); system CPU 3.000 s per 1,000 conversations (2.300–3.400); 4.0 % of the median baseline (3.4–5.0 %)")
    }

    @Test func aPacedRunsSummaryGivesTheOfferLatencyP99() throws {
        let summary = try #require(BenchSummary.of([
            Self.run("webhook", 100, cpu: nil, offerP99: 4_990), Self.run("webhook", 100, cpu: nil, offerP99: 6_080),
        ], paced: true).first)
        #expect(summary.sendToOfferP99Micros == BenchSpread(median: 5_535, min: 4_990, max: 6_080))
        #expect(summary.text == "[webhook] median of 2 runs: 100 conversations/s (100–100); send → offer p99 5.54 ms (4.99 ms–6.08 ms)")
    }
}

/// `--repeat` with the baseline: every baseline run is listed before the median one's figures.
@Suite struct BenchReportBaselineRunsTests {
    static func baseline(_ rate: Double) -> BenchReport.Baseline {
        BenchReport.Baseline(processes: [], hops: 4, payloadBytes: 140, durationSeconds: 10, messagesThrough: Int(rate * 10), messagesPerSecond: rate, sendToSink: nil)
    }

    static func report(baselineRuns: [BenchReport.Baseline], median: BenchReport.Baseline) -> BenchReport {
        let settings = BenchReport.Settings(
            agents: 20, agentCapacity: 100, queues: 4, workStreams: 2, rules: 50, distributors: 2, rate: nil, warmupSeconds: 3,
            durationSeconds: 10, maxInFlight: 1_000, connections: 32, thinkTimeMs: 0, handleTimeMs: 1_000, cores: 2,
            repeats: baselineRuns.isEmpty ? 1 : baselineRuns.count)
        return BenchReport(settings: settings, runs: [], baseline: median, baselineRuns: baselineRuns, warnings: [])
    }

    @Test func repeatedBaselinesAreListedBeforeTheMedianRun() {
        let runs = [Self.baseline(14_925), Self.baseline(12_735), Self.baseline(15_174)]
        let lines = Self.report(baselineRuns: runs, median: runs[0]).text.split(separator: "\n").map(String.init)
        let listed = lines.firstIndex(of: "[baseline] 3 runs: 14925, 12735, 15174 messages/s; the median run:")
        let median = lines.firstIndex { $0.hasPrefix("[baseline] 14925 messages/s through") }
        #expect(listed != nil && median == listed.map { $0 + 1 })
    }

    @Test func aSingleBaselineHasNoListOfRuns() {
        let text = Self.report(baselineRuns: [], median: Self.baseline(14_925)).text
        #expect(!text.contains("runs:"))
        #expect(text.contains("[baseline] 14925 messages/s through"))
    }
}
