import Testing
@testable import SwitchboardCore

/// A record that left (Closed, or moved to another distributor's queue) is deleted from the
/// store once the router confirmed the news and presence took back its capacity, so a
/// restart neither resends them nor loads it (decisions §32). Before, every closed record
/// stayed for ever and every restart resent its close and its releases.
@Suite struct DepartureTests {
    static func closedConversation(acknowledgingReleases: Bool = true) -> DistributionHarness {
        var h = ConversationLifecycleTests.harness(in: .wrapUp)
        h.acknowledgesReleases = acknowledgingReleases
        h.command("a", .close, "c1")
        #expect(h.closed.contains("c1"))
        return h
    }

    @Test func aClosedRecordStaysUntilTheRouterConfirmsThenItIsPurgedAndARestartResendsNothing() {
        var h = Self.closedConversation()
        #expect(h.storedRecord("c1")?.state == .closed, "kept until the router confirms: a restart must resend the close")
        // What the distributor relies on to queue the purge alone: nothing else in the step.
        let confirmation = h.core.handle(.departureConfirmed(conversationID: "c1"), nowMs: h.nowMs)
        #expect(confirmation.purged == ["c1"] && confirmation.changed.isEmpty && confirmation.actions.isEmpty)
        h.store(confirmation)
        #expect(h.storedRecord("c1") == nil)
        #expect(h.core.departing.isEmpty)

        let before = h.log.count
        h.restart()
        let resent = h.log[before...].filter {
            switch $0 {
            case .conversationClosed, .release: true
            default: false
            }
        }
        #expect(resent.isEmpty, "nothing owed about c1 after a restart: \(resent)")
    }

    @Test func aConfirmedCloseWaitsForPresenceToTakeBackTheCapacity() {
        var h = Self.closedConversation(acknowledgingReleases: false)
        let releases = h.unacknowledgedReleases
        #expect(!releases.isEmpty, "the close released the held capacity")
        h.routerConfirmsDepartures()
        #expect(h.storedRecord("c1")?.releasing.map(\.id) == releases, "kept: the release must go again after a restart")

        // A restart resends the release and the close; once both are answered it is purged.
        h.acknowledgesReleases = true
        let before = h.log.count
        h.restart()
        #expect(h.log[before...].contains(.conversationClosed(conversationID: "c1")))
        #expect(h.log[before...].contains { if case .release(let reservation, "c1") = $0 { releases.contains(reservation.id) } else { false } })
        #expect(h.storedRecord("c1") != nil, "the restarted core waits for the router's Ack again")
        h.routerConfirmsDepartures()
        #expect(h.storedRecord("c1") == nil)
    }

    @Test func theReleaseAcknowledgedAfterTheConfirmationPurgesTheRecord() {
        var h = Self.closedConversation(acknowledgingReleases: false)
        h.routerConfirmsDepartures()
        #expect(h.storedRecord("c1") != nil)
        for id in h.unacknowledgedReleases { h.send(.releaseAcknowledged(reservationID: id)) }
        #expect(h.storedRecord("c1") == nil)
    }

    @Test func aRecordTransferredToAnotherDistributorIsPurgedOnceConfirmed() {
        var h = ConversationLifecycleTests.harness(in: .active)
        #expect(h.command("a", .transferToQueue("elsewhere"), "c1") == nil)
        #expect(h.transferredOut["c1"] == "elsewhere")
        #expect(h.storedRecord("c1")?.queue == "elsewhere")
        h.routerConfirmsDepartures()
        #expect(h.storedRecord("c1") == nil)
        let before = h.log.count
        h.restart()
        #expect(!h.log[before...].contains(.transferOut(conversationID: "c1", toQueue: "elsewhere")))
    }

    @Test func aConfirmationForAConversationStillHereChangesNothing() {
        var h = ConversationLifecycleTests.harness(in: .active)
        h.send(.departureConfirmed(conversationID: "c1"))
        #expect(h.storedRecord("c1")?.state == .active)
        #expect(h.core.conversations["c1"] != nil)
    }
}
