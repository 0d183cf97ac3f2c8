import Testing
@testable import SwitchboardCore

/// A command whose answer carries the reservations it gives back (decisions §58): the
/// close's release travels in its AgentActionResult, so no Release is sent and no
/// ReleaseAck awaited; a presence that never applied it releases it when the distributor's
/// list of held reservations (`heldReservationIDs`) does not name it.
@Suite struct ReleasesInAnswerTests {
    @Test func aCloseAnsweredWithItsReleaseSendsNoReleaseAndIsPurgedOnTheRoutersConfirmation() throws {
        var h = ConversationLifecycleTests.harness(in: .wrapUp)
        let heldID = try #require(h.core.conversations["c1"]?.held?.id)
        let before = h.log.count
        #expect(h.command("a", .close, "c1", releasesInAnswer: true) == nil)
        #expect(h.answeredReleases.map(\.reservation.id) == [heldID])
        #expect(h.answeredReleases.map(\.conversationID) == ["c1"])
        let released = h.log[before...].filter { if case .release = $0 { true } else { false } }
        #expect(released.isEmpty, "the release is in the answer: \(released)")
        #expect(h.held[heldID] == nil, "presence took the capacity back from the answer")
        #expect(h.storedRecord("c1")?.releasing.isEmpty == true, "nothing to resend after a restart")

        h.routerConfirmsDepartures()
        #expect(h.storedRecord("c1") == nil, "purged without a ReleaseAck")
        let restartedFrom = h.log.count
        h.restart()
        #expect(!h.log[restartedFrom...].contains { if case .release = $0 { true } else { false } })
    }

    @Test func withoutTheRequestTheCloseStillSendsAReleaseAndWaitsForItsAcknowledgement() throws {
        var h = ConversationLifecycleTests.harness(in: .wrapUp)
        h.acknowledgesReleases = false
        let heldID = try #require(h.core.conversations["c1"]?.held?.id)
        h.command("a", .close, "c1")
        #expect(h.answeredReleases.isEmpty)
        #expect(h.unacknowledgedReleases == [heldID])
        h.routerConfirmsDepartures()
        #expect(h.storedRecord("c1")?.releasing.map(\.id) == [heldID])
    }

    @Test func aReleaseToTheQueueAndATransferAnswerWithTheirReleasesToo() throws {
        for kind in [DistributionCommand.Kind.release, .transferToQueue("elsewhere")] {
            var h = ConversationLifecycleTests.harness(in: .active)
            let heldID = try #require(h.core.conversations["c1"]?.held?.id)
            let before = h.log.count
            #expect(h.command("a", kind, "c1", releasesInAnswer: true) == nil)
            #expect(h.answeredReleases.map(\.reservation.id).contains(heldID), "\(kind)")
            #expect(!h.log[before...].contains { if case .release(let r, _) = $0 { r.id == heldID } else { false } }, "\(kind)")
        }
    }

    @Test func aRefusedCommandAnswersWithNoRelease() {
        var h = ConversationLifecycleTests.harness(in: .active)
        #expect(h.command("b", .close, "c1", releasesInAnswer: true) != nil)
        #expect(h.answeredReleases.isEmpty)
        #expect(!h.core.releasesGoWithAnswer, "the next command sends its releases again")
    }

    @Test func theHeldListNamesOfferedAndTakenReservationsOfTheQueueAndNotOnesGivenBack() throws {
        var h = DistributionHarness(queues: [DistributionHarness.queue(agents: ["a", "b"]), DistributionHarness.queue("other", agents: ["a", "b"])])
        h.agents([("a", .available, 5), ("b", .available, 5)])
        h.arrive("taken")
        h.reply("taken", accept: true)
        h.autoAnswerReserves = false
        h.arrive("offered")
        h.arrive("elsewhere", queue: "other")
        let taken = try #require(h.core.conversations["taken"]?.held?.id)
        let offered = try #require(h.core.conversations["offered"]?.pending?.reservation.id)
        let otherQueue = try #require(h.core.conversations["elsewhere"]?.pending?.reservation.id)
        #expect(h.core.heldReservationIDs() == ["q": [offered, taken].sorted(), "other": [otherQueue]])

        // Closed with the release in an answer presence never applied: not held any more,
        // so presence's next look at the list releases it.
        h.autoAnswerReserves = true
        h.command("a", .wrapUp, "taken")
        h.command("a", .close, "taken", releasesInAnswer: true, answerLost: true)
        #expect(h.held[taken] != nil, "presence still holds it")
        #expect(!(h.core.heldReservationIDs()["q"] ?? []).contains(taken))
    }
}
