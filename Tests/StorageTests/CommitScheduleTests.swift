import Foundation
import SwitchboardTestSupport
import Testing
import ZeroMQ

import Storage

/// A store on a `CommitSchedule` commits when its loop runs out of jobs, and under a flood
/// after at most a few polls (decisions §22). Without the bound a flood put commits off for
/// good, and nothing was acknowledged (found by `switchboard chaos --rate 300`).
@Suite(.timeLimit(.minutes(1)))
struct CommitScheduleTests {
    @Test func aWriteCommitsWhileTheLoopNeverRunsOutOfJobs() async throws {
        let directory = try TemporaryDirectory("switchboard-commit-schedule")
        defer { directory.remove() }
        try await withEventLoop(timeout: .seconds(20)) { loop in
            let store = try DeliveryStatusStore(
                path: directory.path + "/statuses.sqlite", commits: CommitSchedule(runWhenIdle: loop.runWhenIdle))

            // A task on the loop that yields forever: each yield queues it again, so the
            // loop's job queue is never empty when it looks.
            let rounds = Counter()
            let (started, startedSink) = AsyncStream.makeStream(of: Bool.self)
            let flood = Task(executorPreference: loop) {
                startedSink.yield(loop.inEventLoop)
                startedSink.finish()
                while !Task.isCancelled {
                    rounds.increment()
                    await Task.yield()
                }
            }
            // Stopped on every way out: a loop still flooded would never finish its shutdown.
            defer { flood.cancel() }
            var floodOnLoop = false
            for await onLoop in started { floodOnLoop = onLoop }
            #expect(floodOnLoop)

            let before = rounds.current
            let status = DeliveryStatus(
                channelInstanceID: "whatsapp-support", providerMessageID: "w1", status: "sent", recipient: "15550001111",
                providerTimestampMs: nil, error: nil, correlation: nil, receivedAtMs: 1_717_000_001_000)
            let stored = try await withTimeout(.seconds(5), "the commit of a write made during a flood") {
                try await store.record([status])
            }
            #expect(stored == 1)
            // The flood went on meanwhile: the commit did not wait for it to end.
            #expect(rounds.current > before)
        }
    }
}
