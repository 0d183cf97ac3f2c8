import Fuzzing

/// When `switchboard chaos` SIGKILLs which process, and how long each stays down: the
/// processes in turn (every adapter, the router, each distributor, presence), repeated for as
/// many rounds as fit the load's duration (at least one kill of each), each kill at an even
/// slot of the duration moved by up to a quarter slot, each pause drawn from the seed.
struct KillPlan: Sendable, Equatable {
    struct Kill: Sendable, Equatable {
        /// Seconds after the load started.
        var at: Double
        var process: String
        /// Seconds the process stays down before it is started again.
        var pause: Double
    }

    let kills: [Kill]

    /// - Parameters:
    ///   - processes: in the order they are killed.
    ///   - every: the wished seconds between two kills; the plan has at least one kill per process.
    init(processes: [String], duration: Double, every: Double, pauses: ClosedRange<Double>, seed: UInt64) {
        guard !processes.isEmpty, duration > 0 else {
            kills = []
            return
        }
        var random = SplitMix64(seed: seed).derived(1)
        let rounds = max(1, Int((duration / max(every, 0.001)) / Double(processes.count)))
        let count = rounds * processes.count
        let slot = duration / Double(count)
        kills = (0..<count).map { index in
            let jitter = Double.random(in: -0.25...0.25, using: &random) * slot
            let pause = pauses.lowerBound == pauses.upperBound ? pauses.lowerBound : Double.random(in: pauses, using: &random)
            // Milliseconds are plenty, and read better in the log.
            let at = max(0, (Double(index) + 0.5) * slot + jitter)
            return Kill(at: (at * 1_000).rounded() / 1_000, process: processes[index % processes.count], pause: (pause * 1_000).rounded() / 1_000)
        }
    }

    /// Planned kills per process.
    var countByProcess: [String: Int] { kills.reduce(into: [:]) { $0[$1.process, default: 0] += 1 } }
}
