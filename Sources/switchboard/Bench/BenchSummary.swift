import Foundation

/// The median and range of one figure over a bench's repeated runs (`--repeat`). On a shared
/// VM the same build measures 25 % apart from one run to the next, so a single run says
/// little; the median of several, with its range beside it, is a figure a reader can compare.
struct BenchSpread: Codable, Sendable, Equatable {
    var median: Double
    var min: Double
    var max: Double

    /// nil for no values. An even count's median is the mean of its two middle values.
    init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        min = sorted[0]
        max = sorted[sorted.count - 1]
    }

    init(median: Double, min: Double, max: Double) {
        self.median = median
        self.min = min
        self.max = max
    }
}

/// One entry's repeated runs summed up: what a reader should quote.
struct BenchSummary: Codable, Sendable, Equatable {
    var entry: String
    var runs: Int
    var conversationsPerSecond: BenchSpread
    /// CPU seconds per 1,000 conversations over the system's processes (all but the bench).
    var systemCPUSecondsPer1000: BenchSpread?
    /// Each run's rate over the median baseline (nil: no baseline).
    var ratioToBaseline: BenchSpread?
    /// send → offer p99, microseconds, of paced runs (`--rate`): the latency target's figure.
    /// Unpaced, the latency is the queue `--max-in-flight` allows, so it is left out.
    var sendToOfferP99Micros: BenchSpread?

    /// One summary per entry that ran more than once, in the order the entries first ran.
    static func of(_ runs: [BenchReport.Run], paced: Bool) -> [BenchSummary] {
        var entries: [String] = []
        for run in runs where !entries.contains(run.entry) { entries.append(run.entry) }
        return entries.compactMap { entry in
            let mine = runs.filter { $0.entry == entry }
            guard mine.count > 1, let rate = BenchSpread(mine.map(\.conversationsPerSecond)) else { return nil }
            return BenchSummary(
                entry: entry, runs: mine.count, conversationsPerSecond: rate,
                systemCPUSecondsPer1000: BenchSpread(mine.compactMap(\.systemCPUSecondsPer1000)),
                ratioToBaseline: BenchSpread(mine.compactMap(\.ratioToBaseline)),
                sendToOfferP99Micros: paced ? BenchSpread(mine.compactMap { $0.sendToOffer.map { Double($0.p99) } }) : nil)
        }
    }

    /// e.g. "[webhook] median of 5 runs: 540 conversations/s (476–714); system CPU 3.002 s
    /// per 1,000 conversations (2.313–3.396); 3.9 % of the median baseline (3.4–5.1 %);
    /// send → offer p99 1.63 s (1.16 s–1.84 s)" (each end with its unit: they may differ).
    var text: String {
        var parts = ["[\(entry)] median of \(runs) runs: \(BenchReport.number(conversationsPerSecond.median.rounded())) conversations/s"
            + " (\(BenchReport.number(conversationsPerSecond.min.rounded()))–\(BenchReport.number(conversationsPerSecond.max.rounded())))"]
        if let cpu = systemCPUSecondsPer1000 {
            parts.append(String(format: "system CPU %.3f s per 1,000 conversations (%.3f–%.3f)", cpu.median, cpu.min, cpu.max))
        }
        if let ratio = ratioToBaseline {
            parts.append(String(format: "%.1f %% of the median baseline (%.1f–%.1f %%)", ratio.median * 100, ratio.min * 100, ratio.max * 100))
        }
        if let p99 = sendToOfferP99Micros {
            parts.append("send → offer p99 \(Self.micros(p99.median)) (\(Self.micros(p99.min))–\(Self.micros(p99.max)))")
        }
        return parts.joined(separator: "; ")
    }

    private static func micros(_ value: Double) -> String {
        value < 1_000 ? String(format: "%.0f µs", value) : value < 1_000_000 ? String(format: "%.2f ms", value / 1_000) : String(format: "%.2f s", value / 1_000_000)
    }
}
