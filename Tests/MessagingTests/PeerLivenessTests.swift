import Testing

@testable import Messaging

@Suite struct PeerLivenessTests {
    typealias Liveness = PeerLiveness<TestInstant>

    @Test func aSilentLinkSendsAHeartbeatEveryInterval() {
        var liveness = Liveness(now: .start)
        do {
            let outcome = liveness.tick(at: .at(0.5)).sendHeartbeat
            #expect(outcome == false)
        }
        do {
            let outcome = liveness.tick(at: .at(1.0)).sendHeartbeat
            #expect(outcome == true)
        }
        liveness.sent(at: .at(1.0))
        do {
            let outcome = liveness.tick(at: .at(1.9)).sendHeartbeat
            #expect(outcome == false)
        }
        #expect(liveness.nextDeadline == .at(2.0))
    }

    @Test func aMessageAfterMoreThanOneAndAHalfIntervalsEndsASilence() {
        var liveness = Liveness(now: .start)
        #expect(liveness.endsSilence(at: .at(1.25)) == false)  // a heartbeat a little late
        #expect(liveness.endsSilence(at: .at(1.6)))  // a restart, or a stall
        liveness.received(at: .at(1.6))
        #expect(liveness.endsSilence(at: .at(2.0)) == false)
    }

    @Test func anyOutgoingTrafficPostponesTheHeartbeat() {
        var liveness = Liveness(now: .start)
        liveness.sent(at: .at(0.8))  // a real message, not a heartbeat
        do {
            let outcome = liveness.tick(at: .at(1.5)).sendHeartbeat
            #expect(outcome == false)
        }
        do {
            let outcome = liveness.tick(at: .at(1.8)).sendHeartbeat
            #expect(outcome == true)
        }
    }

    @Test func aPeerSilentForThreeIntervalsDiesOnceAndRevivesOnTraffic() {
        var liveness = Liveness(now: .start)
        liveness.received(at: .at(1))
        do {
            let outcome = liveness.tick(at: .at(3.9)).peerDied
            #expect(outcome == false)
        }
        do {
            let outcome = liveness.tick(at: .at(4.0)).peerDied
            #expect(outcome == true)
        }
        #expect(liveness.isPeerAlive == false)
        // Reported once, not on every later tick.
        do {
            let outcome = liveness.tick(at: .at(10)).peerDied
            #expect(outcome == false)
        }
        do {
            let outcome = liveness.received(at: .at(11))
            #expect(outcome == true)
        }
        #expect(liveness.isPeerAlive)
        do {
            let outcome = liveness.received(at: .at(11.5))
            #expect(outcome == false)
        }
    }

    @Test func nextDeadlineIsTheEarlierOfHeartbeatAndDeath() {
        var liveness = Liveness(settings: .init(heartbeatInterval: .seconds(2), missedBeatsBeforeDead: 3), now: .start)
        liveness.sent(at: .at(5))
        #expect(liveness.nextDeadline == .at(6))  // death at 0 + 6 s comes before the beat at 7 s
        liveness.received(at: .at(5))
        #expect(liveness.nextDeadline == .at(7))
    }
}

@Suite struct ReconnectBackoffTests {
    @Test func delaysDoubleUpToTheCapAndResetAfterSuccess() {
        var backoff = ReconnectBackoff(initialDelay: .milliseconds(100), maximumDelay: .seconds(1), jitter: 0)
        var generator = SystemRandomNumberGenerator()
        let delays = (0..<6).map { _ in backoff.nextDelay(using: &generator) }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        backoff.reset()
        do {
            let outcome = backoff.nextDelay(using: &generator)
            #expect(outcome == .milliseconds(100))
        }
    }

    @Test func jitterOnlyShortensTheDelayWithinItsFraction() {
        var backoff = ReconnectBackoff(initialDelay: .seconds(1), maximumDelay: .seconds(1), jitter: 0.2)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<100 {
            let delay = backoff.nextDelay(using: &generator)
            #expect(delay >= .milliseconds(800) && delay <= .seconds(1))
        }
    }

    @Test func manyAttemptsNeverOverflow() {
        var backoff = ReconnectBackoff(initialDelay: .nanoseconds(1), maximumDelay: .seconds(30), jitter: 0)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 { _ = backoff.nextDelay(using: &generator) }
        do {
            let outcome = backoff.nextDelay(using: &generator)
            #expect(outcome == .seconds(30))
        }
    }

}
