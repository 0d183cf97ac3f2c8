import Foundation

/// The CPU and memory of a set of processes at one moment; two samples give a window's figures.
struct UsageSample: Sendable {
    let usage: [String: (pid: Int32, usage: ProcessUsage)]

    /// Samples every named process (the bench itself under `benchName`).
    init(_ pids: [String: Int32], benchName: String?) {
        var all = pids
        if let benchName { all[benchName] = getpid() }
        var usage: [String: (pid: Int32, usage: ProcessUsage)] = [:]
        for (name, pid) in all {
            if let sample = ProcessUsage.read(pid: pid) { usage[name] = (pid, sample) }
        }
        self.usage = usage
    }

    /// Per process (same pid in both samples): CPU used between `before` and `self`, per
    /// 1,000 of `through`, and peak RSS now. Ordered by name, the bench last.
    func figures(since before: UsageSample, through: Int, benchName: String?) -> [BenchReport.ProcessFigures] {
        let figures = usage.compactMap { name, now -> BenchReport.ProcessFigures? in
            guard let earlier = before.usage[name], earlier.pid == now.pid else { return nil }
            let cpu = max(now.usage.cpuSeconds - earlier.usage.cpuSeconds, 0)
            return BenchReport.ProcessFigures(
                name: name, pid: now.pid, cpuSeconds: cpu, cpuSecondsPer1000: through > 0 ? cpu / Double(through) * 1000 : nil,
                peakResidentMiB: Double(now.usage.peakResidentBytes) / 1_048_576)
        }
        return figures.sorted { ($0.name == benchName ? 1 : 0, $0.name) < ($1.name == benchName ? 1 : 0, $1.name) }
    }
}
