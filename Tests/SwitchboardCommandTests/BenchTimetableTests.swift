import Synchronization
import Testing

@testable import switchboard

/// The bench agents' timed steps run once due, earliest first, and never before.
@Suite struct BenchTimetableTests {
    /// What the steps did, in order.
    final class Log: Sendable {
        let entries = Mutex<[String]>([])
        func append(_ entry: String) { entries.withLock { $0.append(entry) } }
        var all: [String] { entries.withLock { $0 } }
    }

    @Test func stepsComeOutOnceDueEarliestFirstAndInScheduleOrderWhenDueTogether() async {
        let timetable = BenchTimetable(tick: .milliseconds(10))
        let log = Log()
        let start = ContinuousClock.now
        timetable.schedule(after: .seconds(1), now: start) { log.append("wrapUp c1") }
        timetable.schedule(after: .milliseconds(200), now: start) { log.append("accept o2") }
        timetable.schedule(after: .seconds(1), now: start) { log.append("wrapUp c2") }
        timetable.schedule(after: .milliseconds(100), now: start) { log.append("accept o1") }

        #expect(timetable.takeDue(at: start.advanced(by: .milliseconds(99))).isEmpty, "nothing is due yet")
        for step in timetable.takeDue(at: start.advanced(by: .milliseconds(500))) { await step() }
        #expect(log.all == ["accept o1", "accept o2"])
        for step in timetable.takeDue(at: start.advanced(by: .seconds(1))) { await step() }
        #expect(log.all == ["accept o1", "accept o2", "wrapUp c1", "wrapUp c2"])
        #expect(timetable.pendingCount == 0)
        #expect(timetable.takeDue(at: start.advanced(by: .seconds(5))).isEmpty, "each step runs once")
    }

    @Test func theRunningTableRunsAStepAfterItsDelayAndStopsWhenCancelled() async throws {
        let timetable = BenchTimetable(tick: .milliseconds(1))
        let ran = Mutex<ContinuousClock.Instant?>(nil)
        let scheduledAt = ContinuousClock.now
        timetable.schedule(after: .milliseconds(50)) { ran.withLock { $0 = .now } }
        let run = Task { await timetable.run() }
        // Generous: the table and this loop run on Swift's shared pool, which the suite's
        // parallel tests (synchronous store commits among them) can hold for seconds on two
        // cores; a CI run once saw 13 s of it. Only a step that never runs fails here.
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while ran.withLock({ $0 }) == nil, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        run.cancel()
        await run.value
        let at = try #require(ran.withLock { $0 }, "the step ran")
        #expect(at - scheduledAt >= .milliseconds(50), "not before its delay")
    }

    @Test func theTickIsATwentiethOfTheShortestDelayWithinOneToTenMilliseconds() {
        #expect(BenchTimetable.tick(for: [.zero, .seconds(1)]) == .milliseconds(10))
        #expect(BenchTimetable.tick(for: [.milliseconds(100), .seconds(1)]) == .milliseconds(5))
        #expect(BenchTimetable.tick(for: [.milliseconds(5)]) == .milliseconds(1))
        #expect(BenchTimetable.tick(for: [.zero]) == .milliseconds(10), "no delay in use")
    }
}
