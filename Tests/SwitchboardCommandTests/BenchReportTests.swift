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
}
