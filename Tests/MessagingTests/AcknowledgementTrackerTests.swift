import Testing

@testable import Messaging

@Suite struct AcknowledgementTrackerTests {
    typealias Tracker = AcknowledgementTracker<String, TestInstant>
    let settings = Tracker.Settings(acknowledgementTimeout: .seconds(1), maximumTimeout: .seconds(4), maximumInFlight: 3)

    @Test func anAcknowledgedMessageIsNeverResent() {
        var tracker = Tracker(settings: settings)
        tracker.sent("a", at: .start)
        tracker.sent("b", at: .start)
        do {
            let outcome = tracker.acknowledged("a", at: .start)
            #expect(outcome)
        }
        do {
            let outcome = tracker.dueForResend(at: .at(1))
            #expect(outcome == ["b"])
        }
        #expect(tracker.inFlightCount == 1)
    }

    @Test func aRepeatedOrUnknownAcknowledgementIsIgnored() {
        var tracker = Tracker(settings: settings)
        tracker.sent("a", at: .start)
        do {
            let outcome = tracker.acknowledged("a", at: .start)
            #expect(outcome)
        }
        do {
            let outcome = tracker.acknowledged("a", at: .start)
            #expect(outcome == false)
        }
        do {
            let outcome = tracker.acknowledged("never-sent", at: .start)
            #expect(outcome == false)
        }
    }

    @Test func resendWaitsDoubleUpToTheMaximum() {
        var tracker = Tracker(settings: settings)
        tracker.sent("a", at: .start)
        do {
            let outcome = tracker.dueForResend(at: .at(0.99)).isEmpty
            #expect(outcome)
        }
        do {
            let outcome = tracker.dueForResend(at: .at(1))
            #expect(outcome == ["a"])  // waited 1 s
        }
        do {
            let outcome = tracker.dueForResend(at: .at(2.9)).isEmpty
            #expect(outcome)
        }
        do {
            let outcome = tracker.dueForResend(at: .at(3))
            #expect(outcome == ["a"])  // waited 2 s
        }
        do {
            let outcome = tracker.nextDeadline()
            #expect(outcome == .at(7))  // then 4 s
        }
        do {
            let outcome = tracker.dueForResend(at: .at(7))
            #expect(outcome == ["a"])
        }
        do {
            let outcome = tracker.nextDeadline()
            #expect(outcome == .at(11))  // capped at 4 s
        }
    }

    @Test func overdueMessagesComeBackInTheirOriginalOrder() {
        var tracker = Tracker(settings: .init(acknowledgementTimeout: .seconds(1), maximumInFlight: 100))
        tracker.sent("first", at: .at(0))
        tracker.sent("second", at: .at(0.5))
        tracker.sent("third", at: .at(0.7))
        _ = tracker.dueForResend(at: .at(1))  // "first" now waits 2 s, until 3 s
        do {
            let outcome = tracker.dueForResend(at: .at(3))
            #expect(outcome == ["first", "second", "third"])
        }
    }

    @Test func capacityIsBoundedByMessagesInFlight() {
        var tracker = Tracker(settings: settings)
        for id in ["a", "b", "c"] { tracker.sent(id, at: .start) }
        #expect(tracker.hasCapacity == false)
        tracker.acknowledged("b", at: .start)
        #expect(tracker.hasCapacity)
    }

    @Test func sendingAnIdAlreadyInFlightKeepsItsSchedule() {
        var tracker = Tracker(settings: settings)
        tracker.sent("a", at: .start)
        tracker.sent("a", at: .at(0.9))
        #expect(tracker.inFlightCount == 1)
        do {
            let outcome = tracker.dueForResend(at: .at(1))
            #expect(outcome == ["a"])
        }
    }

    @Test func reconnectResendsEverythingNowAndResetsTheWait() {
        var tracker = Tracker(settings: settings)
        tracker.sent("a", at: .start)
        tracker.sent("b", at: .start)
        _ = tracker.dueForResend(at: .at(1))
        _ = tracker.dueForResend(at: .at(3))  // both now wait 4 s
        do {
            let outcome = tracker.resendAll(at: .at(4))
            #expect(outcome == ["a", "b"])
        }
        do {
            let outcome = tracker.nextDeadline()
            #expect(outcome == .at(5))
        }
        do {
            let outcome = tracker.dueForResend(at: .at(5))
            #expect(outcome == ["a", "b"])
        }
    }

    @Test func aMessageAcknowledgedThenSentAgainIsTrackedAfresh() {
        var tracker = Tracker(settings: settings)
        tracker.sent("a", at: .start)
        tracker.acknowledged("a", at: .start)
        tracker.sent("a", at: .at(0.5))
        do {
            let outcome = tracker.dueForResend(at: .at(1)).isEmpty
            #expect(outcome)  // the stale 1 s deadline is ignored
        }
        do {
            let outcome = tracker.dueForResend(at: .at(1.5))
            #expect(outcome == ["a"])
        }
    }

    // MARK: the wait adapts to the peer (decisions §35)

    @Test func quickAnswersKeepTheConfiguredWait() {
        var tracker = Tracker(settings: settings)
        for index in 0..<20 {
            tracker.sent("m\(index)", at: .at(Double(index)))
            tracker.acknowledged("m\(index)", at: .at(Double(index) + 0.01))
        }
        #expect(tracker.firstTimeout == .seconds(1))
    }

    @Test func aPeerThatAnswersSlowlyIsNotSentTheSameMessageTooSoon() {
        var tracker = Tracker(settings: .init(acknowledgementTimeout: .seconds(1), maximumTimeout: .seconds(30), maximumInFlight: 100))
        tracker.sent("slow", at: .start)
        tracker.acknowledged("slow", at: .at(0.5))  // first sample: 0.5 s, spread 0.25 s
        tracker.sent("quicker", at: .at(1))
        tracker.acknowledged("quicker", at: .at(1.5))  // the same again: the spread shrinks to 3/16 s
        #expect(tracker.firstTimeout == .milliseconds(1250))
        tracker.sent("next", at: .at(10))
        do {
            let outcome = tracker.dueForResend(at: .at(11)).isEmpty
            #expect(outcome)  // the configured 1 s would resend it now
        }
        do {
            let outcome = tracker.dueForResend(at: .at(11.25))
            #expect(outcome == ["next"])  // lost messages are still resent
        }
    }

    @Test func theWaitGrowsForMessagesAlreadyInFlight() {
        var tracker = Tracker(settings: .init(acknowledgementTimeout: .milliseconds(500), maximumTimeout: .seconds(30), maximumInFlight: 100))
        tracker.sent("a", at: .start)
        tracker.sent("b", at: .start)
        tracker.acknowledged("a", at: .at(0.5))  // 0.5 s + 4 × 0.25 s = 1.5 s
        do {
            let outcome = tracker.dueForResend(at: .at(0.5)).isEmpty
            #expect(outcome)  // b's first deadline was 0.5 s
        }
        do {
            let outcome = tracker.nextDeadline()
            #expect(outcome == .at(1.5))
        }
        do {
            let outcome = tracker.dueForResend(at: .at(1.5))
            #expect(outcome == ["b"])
        }
    }

    @Test func theAnswerToAResentMessageIsNoMeasure() {
        var tracker = Tracker(settings: .init(acknowledgementTimeout: .seconds(1), maximumTimeout: .seconds(30), maximumInFlight: 100))
        tracker.sent("a", at: .start)
        _ = tracker.dueForResend(at: .at(1))
        tracker.acknowledged("a", at: .at(5))  // which copy does it answer? Karn: neither counts
        tracker.sent("b", at: .at(6))
        _ = tracker.resendAll(at: .at(6.5))
        tracker.acknowledged("b", at: .at(20))
        #expect(tracker.firstTimeout == .seconds(1))
    }

    @Test func theWaitAdaptsUpToFourTimesTheConfiguredOne() {
        var tracker = Tracker(settings: .init(acknowledgementTimeout: .seconds(1), maximumTimeout: .seconds(30), maximumInFlight: 100))
        tracker.sent("a", at: .start)
        tracker.acknowledged("a", at: .at(20))
        #expect(tracker.firstTimeout == .seconds(4))
        var capped = Tracker(settings: settings)  // and never past the maximum
        capped.sent("a", at: .start)
        capped.acknowledged("a", at: .at(3))
        #expect(capped.firstTimeout == .seconds(4))
    }

    @Test func answersToWhatWasInFlightWhileThePeerWasSilentAreNoMeasure() {
        var tracker = Tracker(settings: .init(acknowledgementTimeout: .seconds(1), maximumTimeout: .seconds(30), maximumInFlight: 100))
        tracker.sent("before the restart", at: .start)
        tracker.peerWasSilent()
        tracker.sent("after", at: .at(2.5))
        tracker.acknowledged("before the restart", at: .at(2.5))
        #expect(tracker.firstTimeout == .seconds(1))
        tracker.acknowledged("after", at: .at(3))  // sent after the silence: measured
        #expect(tracker.firstTimeout == .seconds(1.5))
    }
}
