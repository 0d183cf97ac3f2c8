import Synchronization

/// Carries out a `KillPlan` on a running system: at each planned time, once the process is
/// healthy again after its previous kill (a process still starting is not worth killing), it
/// SIGKILLs it and has the supervisor start it again on its data directory after the pause.
final class FaultInjector: Sendable {
    private let plan: KillPlan
    private let system: ChildPhase
    /// Process name → its /healthz address.
    private let health: [String: String]
    private let say: @Sendable (String) -> Void
    private let notes = Mutex<[String]>([])

    init(plan: KillPlan, system: ChildPhase, health: [String: String], say: @escaping @Sendable (String) -> Void) {
        self.plan = plan
        self.system = system
        self.health = health
        self.say = say
    }

    /// Kills that could not be carried out.
    var warnings: [String] { notes.withLock { $0 } }

    /// Returns the kills carried out per process. `start` is the load's start (BenchClock).
    func run(start: UInt64, stopped: @escaping @Sendable () -> Bool) async -> [String: Int] {
        var done: [String: Int] = [:]
        for kill in plan.kills {
            await BenchClock.sleep(until: start + BenchClock.nanoseconds(.seconds(kill.at)), unless: stopped)
            if stopped() { break }
            if let address = health[kill.process] {
                do {
                    try await ChildPhase.waitUntilHealthy([(name: kill.process, address: address)], within: .seconds(20), stopped: stopped)
                } catch {
                    notes.withLock { $0.append("\(kill.process) was not healthy again in time for its kill at \(BenchReport.number(kill.at)) s") }
                    continue
                }
            }
            if await system.kill(kill.process, restartAfter: .seconds(kill.pause)) != nil {
                done[kill.process, default: 0] += 1
            } else {
                notes.withLock { $0.append("\(kill.process) was not running at \(BenchReport.number(kill.at)) s: not killed") }
            }
        }
        return done
    }
}
