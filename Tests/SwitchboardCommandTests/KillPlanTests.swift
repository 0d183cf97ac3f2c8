import Testing

@testable import switchboard

struct KillPlanTests {
    static let processes = ["ingress-custom", "router", "distributor-1", "distributor-2", "presence"]

    @Test func everyProcessIsKilledAtLeastOnceWithinTheDuration() {
        let plan = KillPlan(processes: Self.processes, duration: 5, every: 10, pauses: 0.5...3, seed: 7)
        #expect(plan.kills.map(\.process) == Self.processes, "one round, in turn")
        #expect(plan.kills.allSatisfy { (0..<5).contains($0.at) && (0.5...3).contains($0.pause) })
        #expect(plan.kills.map(\.at) == plan.kills.map(\.at).sorted())
    }

    @Test func roundsFillTheDurationAtTheWishedPace() {
        let plan = KillPlan(processes: Self.processes, duration: 60, every: 4, pauses: 1...1, seed: 7)
        #expect(plan.kills.count == 15)
        #expect(plan.countByProcess.values.allSatisfy { $0 == 3 })
        #expect(plan.kills.allSatisfy { $0.pause == 1 })
    }

    @Test func theSameSeedGivesTheSamePlanAndAnotherSeedAnother() {
        let a = KillPlan(processes: Self.processes, duration: 60, every: 4, pauses: 0.5...3, seed: 1)
        #expect(a == KillPlan(processes: Self.processes, duration: 60, every: 4, pauses: 0.5...3, seed: 1))
        #expect(a != KillPlan(processes: Self.processes, duration: 60, every: 4, pauses: 0.5...3, seed: 2))
    }
}
