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
            let outcome = tracker.acknowledged("a")
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
            let outcome = tracker.acknowledged("a")
            #expect(outcome)
        }
        do {
            let outcome = tracker.acknowledged("a")
            #expect(outcome == false)
        }
        do {
            let outcome = tracker.acknowledged("never-sent")
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
        tracker.acknowledged("b")
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
        tracker.acknowledged("a")
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
}
