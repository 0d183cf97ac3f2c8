import Testing

@testable import switchboard

/// The chaos drain waits while the backlog shrinks, however long that takes, and gives up
/// only after `stall` without progress (or at the ceiling).
@Suite struct DrainWatchTests {
    let second: UInt64 = 1_000_000_000

    @Test func aShrinkingBacklogIsWaitedForLongerThanTheStall() {
        var watch = DrainWatch(start: 0, stall: 10 * second, ceiling: 1_000 * second)
        var left = 100
        for tick in 1...60 {  // 60 s, one less every second: six times the stall
            left -= 1
            #expect(watch.observe(left: left, now: UInt64(tick) * second) == .waiting)
        }
        #expect(watch.observe(left: 0, now: 61 * second) == .drained)
    }

    @Test func aBacklogThatStopsShrinkingIsGivenUpAfterTheStall() {
        var watch = DrainWatch(start: 0, stall: 10 * second, ceiling: 1_000 * second)
        #expect(watch.observe(left: 5, now: 1 * second) == .waiting)
        #expect(watch.observe(left: 7, now: 9 * second) == .waiting, "a swing up is no progress")
        #expect(watch.observe(left: 5, now: 10 * second) == .waiting)
        #expect(watch.observe(left: 5, now: 11 * second) == .gaveUp)
    }

    @Test func theCeilingEndsItEvenWhileItShrinks() {
        var watch = DrainWatch(start: 0, stall: 10 * second, ceiling: 30 * second)
        #expect(watch.observe(left: 3, now: 29 * second) == .waiting)
        #expect(watch.observe(left: 2, now: 30 * second) == .gaveUp)
    }
}
