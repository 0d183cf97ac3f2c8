import Testing

@testable import switchboard

private let second: UInt64 = 1_000_000_000

/// `switchboard chaos`'s checks on hand-made evidence: a clean run passes, and each kind of
/// violation is counted (issue 7, part 2).
struct ChaosChecksTests {
    typealias Record = ChaosEvidence.AgentRecord

    /// Webhook 1 → conversation c1 in q-0 (owned by distributor-1), Active with agent a, who read it and wrapped up.
    static func cleanEvidence() -> ChaosEvidence {
        ChaosEvidence(
            agentCapacity: 2, allowedPresences: ["available", "busy"], presenceGraceMs: 1_000, end: 100 * second,
            agentRecords: [
                Record(agent: "a", time: 1 * second, event: .connected(presence: "available", standingOffers: [])),
                Record(agent: "a", time: 2 * second, event: .offer(offerID: "o1", conversation: "c1", grantedAtMs: nil)),
                Record(agent: "a", time: 3 * second, event: .active(conversation: "c1")),
                Record(agent: "a", time: 4 * second, event: .message(conversation: "c1", sequence: 1, number: 1)),
                Record(agent: "a", time: 5 * second, event: .released(conversation: "c1")),
            ],
            acceptedWebhooks: [1], failedWebhooks: [],
            stores: .init(
                journalConversations: [1: ["c1"]], journalQueue: ["c1": "q-0"],
                distributorConversations: ["distributor-1": ["c1": .init(queue: "q-0", state: "closed")], "distributor-2": [:]]),
            queueOwners: ["q-0": "distributor-1", "q-1": "distributor-2"],
            replies: [.init(token: "a-r1", accepted: true)],
            posts: [.init(replyID: "r1", idempotencyKey: "r1", token: "a-r1", signatureValid: true)])
    }

    @Test func aCleanRunHasNoViolations() {
        let findings = ChaosChecks.run(Self.cleanEvidence())
        #expect(findings.violations == 0, "\(findings.examples)")
        #expect(findings.webhooksAccepted == 1)
        #expect(findings.offers == 1)
        #expect(findings.repliesAccepted == 1 && findings.repliesDelivered == 1)
    }

    @Test func aWebhookAnswered2xxButNotInTheJournalIsLost() {
        var evidence = Self.cleanEvidence()
        evidence.acceptedWebhooks.insert(2)
        let findings = ChaosChecks.run(evidence)
        #expect(findings.lost == 1)
        #expect(findings.violations == 1)
    }

    @Test func aWebhookStillInItsAdaptersOutboxIsUndeliveredNotLost() {
        var evidence = Self.cleanEvidence()
        evidence.acceptedWebhooks.insert(2)
        evidence.stores.outboxPending = [2]
        let findings = ChaosChecks.run(evidence)
        #expect(findings.lost == 0 && findings.undeliveredAtEnd == 1)
        #expect(findings.violations == 1)  // a drained run must have forwarded it
        evidence.drained = false
        #expect(ChaosChecks.run(evidence).violations == 0)  // may still be on its way
    }

    @Test func aConversationInNoDistributorIsLostAndInTwoIsDuplicated() {
        var evidence = Self.cleanEvidence()
        evidence.stores.distributorConversations["distributor-1"] = [:]
        #expect(ChaosChecks.run(evidence).lost == 1)

        evidence = Self.cleanEvidence()
        evidence.stores.distributorConversations["distributor-2"] = ["c1": .init(queue: "q-1", state: "open")]
        #expect(ChaosChecks.run(evidence).duplicated == 1)
    }

    /// A distributor purges a closed conversation's record once the router confirmed the
    /// close (decisions §32); its deliveries say it took it, in which queue.
    @Test func aPurgedConversationIsHeldWhereItsDeliveriesAreAndInTheirQueue() {
        var evidence = Self.cleanEvidence()
        evidence.stores.distributorConversations["distributor-1"] = [:]
        evidence.stores.distributorPurged = ["distributor-1": ["c1": "q-0"]]
        #expect(ChaosChecks.run(evidence).violations == 0, "\(ChaosChecks.run(evidence).examples)")

        evidence.stores.distributorPurged = ["distributor-2": ["c1": "q-1"]]
        #expect(ChaosChecks.run(evidence).lost == 1, "in another queue than the journal's")

        // Moved from distributor-2 to distributor-1 and closed there: both keep deliveries.
        evidence.stores.distributorPurged = ["distributor-1": ["c1": "q-0"], "distributor-2": ["c1": "q-1"]]
        #expect(ChaosChecks.run(evidence).violations == 0)
        // A live record wins over purged ones.
        evidence.stores.distributorConversations["distributor-1"] = ["c1": .init(queue: "q-0", state: "closed")]
        #expect(ChaosChecks.run(evidence).violations == 0)
    }

    @Test func aConversationStillPendingAtTheRouterIsUndeliveredNotLost() {
        var evidence = Self.cleanEvidence()
        evidence.stores.distributorConversations["distributor-1"] = [:]
        evidence.stores.journalPending = ["c1"]
        let findings = ChaosChecks.run(evidence)
        #expect(findings.lost == 0 && findings.undeliveredAtEnd == 1)
        #expect(findings.violations == 1)
    }

    @Test func aWebhookInTwoConversationsOrReachingAgentsTwiceIsDuplicated() {
        var evidence = Self.cleanEvidence()
        evidence.stores.journalConversations[1] = ["c1", "c2"]
        #expect(ChaosChecks.run(evidence).duplicated == 1)

        evidence = Self.cleanEvidence()
        evidence.agentRecords.append(Record(agent: "b", time: 6 * second, event: .message(conversation: "c9", sequence: 1, number: 1)))
        #expect(ChaosChecks.run(evidence).duplicated == 1)
    }

    @Test func aRedeliveredMessageIsCountedButAllowed() {
        var evidence = Self.cleanEvidence()
        evidence.agentRecords.insert(Record(agent: "a", time: 4 * second, event: .message(conversation: "c1", sequence: 1, number: 1)), at: 4)
        let findings = ChaosChecks.run(evidence)
        #expect(findings.redeliveredMessages == 1)
        #expect(findings.violations == 0)
    }

    @Test func anActiveConversationWhoseMessageNeverReachedAnAgentIsReported() {
        var evidence = Self.cleanEvidence()
        evidence.agentRecords.removeAll { if case .message = $0.event { true } else { false } }
        #expect(ChaosChecks.run(evidence).notReachedAgent == 1)

        var undrained = evidence
        undrained.drained = false
        let inFlight = ChaosChecks.run(undrained)
        #expect(inFlight.notReachedAgent == 1 && inFlight.violations == 0, "the drain ended first: it may be on its way")

        evidence.stores.distributorConversations["distributor-1"] = ["c1": .init(queue: "q-0", state: "open")]
        let waiting = ChaosChecks.run(evidence)
        #expect(waiting.notReachedAgent == 0 && waiting.waitingAtEnd == 1)
    }

    @Test func twoAgentsActiveOnOneConversationAtOnceIsAViolation() {
        var evidence = Self.cleanEvidence()
        evidence.agentRecords.append(Record(agent: "b", time: 4 * second, event: .active(conversation: "c1")))
        let findings = ChaosChecks.run(evidence)
        #expect(findings.doubleActive == 1, "\(findings.examples)")

        evidence = Self.cleanEvidence()
        evidence.agentRecords.append(Record(agent: "b", time: 6 * second, event: .active(conversation: "c1")))
        #expect(ChaosChecks.run(evidence).doubleActive == 0, "b took it after a released it")
    }

    @Test func moreActiveConversationsThanCapacityOrAGrantAboveItIsAViolation() {
        var evidence = Self.cleanEvidence()
        evidence.agentRecords += [
            Record(agent: "b", time: 1 * second, event: .active(conversation: "c2")),
            Record(agent: "b", time: 2 * second, event: .active(conversation: "c3")),
            Record(agent: "b", time: 3 * second, event: .released(conversation: "c2")),
            Record(agent: "b", time: 4 * second, event: .active(conversation: "c4")),
        ]
        #expect(ChaosChecks.run(evidence).overCapacityOffers == 0, "c2 was wrapped up first")
        evidence.agentRecords.append(Record(agent: "b", time: 5 * second, event: .active(conversation: "c5")))
        #expect(ChaosChecks.run(evidence).overCapacityOffers == 1)

        evidence = Self.cleanEvidence()
        evidence.agentRecords += [
            Record(agent: "b", time: 1 * second, event: .presenceAcked("available", capacityUsed: 2)),
            Record(agent: "b", time: 2 * second, event: .presenceAcked("available", capacityUsed: 3)),
        ]
        #expect(ChaosChecks.run(evidence).overCapacityOffers == 1)
    }

    @Test func anOfferWhileFullIsCountedForInformationOnly() {
        var evidence = Self.cleanEvidence()
        evidence.agentRecords += [
            Record(agent: "b", time: 1 * second, event: .offer(offerID: "o2", conversation: "c2", grantedAtMs: nil)),
            Record(agent: "b", time: 2 * second, event: .active(conversation: "c2")),
            Record(agent: "b", time: 3 * second, event: .offer(offerID: "o3", conversation: "c3", grantedAtMs: nil)),
            Record(agent: "b", time: 4 * second, event: .offer(offerID: "o4", conversation: "c4", grantedAtMs: nil)),
        ]
        var findings = ChaosChecks.run(evidence)
        #expect(findings.offersWhileFull == 1 && findings.violations == 0)

        evidence.agentRecords.insert(Record(agent: "b", time: 3 * second, event: .offerWithdrawn(offerID: "o3")), at: evidence.agentRecords.count - 1)
        findings = ChaosChecks.run(evidence)
        #expect(findings.offersWhileFull == 0)
    }

    @Test func offersThatDiedWithAPresenceRestartNoLongerHoldCapacity() {
        var evidence = Self.cleanEvidence()
        evidence.agentRecords += [
            Record(agent: "b", time: 1 * second, event: .offer(offerID: "o2", conversation: "c2", grantedAtMs: nil)),
            Record(agent: "b", time: 2 * second, event: .offer(offerID: "o3", conversation: "c3", grantedAtMs: nil)),
            Record(agent: "b", time: 3 * second, event: .disconnected),
            Record(agent: "b", time: 4 * second, event: .connected(presence: "available", standingOffers: ["c3"])),
            Record(agent: "b", time: 5 * second, event: .offer(offerID: "o4", conversation: "c4", grantedAtMs: nil)),
        ]
        #expect(ChaosChecks.run(evidence).offersWhileFull == 0)
    }

    @Test func capacityGrantedWhilePresenceIsNotAllowedIsAViolation() {
        var evidence = Self.cleanEvidence()
        evidence.agentRecords += [
            Record(agent: "b", time: 10 * second, event: .presenceAcked("available", capacityUsed: 0)),
            Record(agent: "b", time: 11 * second, event: .presenceAcked("available", capacityUsed: 1)),
            Record(agent: "b", time: 12 * second, event: .presenceAcked("away", capacityUsed: 1)),
            Record(agent: "b", time: 13 * second, event: .presenceAcked("away", capacityUsed: 0)),
        ]
        #expect(ChaosChecks.run(evidence).wrongPresenceOffers == 0, "granted while available, freed while away")

        evidence.agentRecords.append(Record(agent: "b", time: 14 * second, event: .presenceAcked("away", capacityUsed: 1)))
        #expect(ChaosChecks.run(evidence).wrongPresenceOffers == 1)
    }

    @Test func offersMadeWellAfterANotAllowedPresenceAreCountedForInformation() {
        var evidence = Self.cleanEvidence()
        evidence.agentRecords += [
            Record(agent: "b", time: 10 * second, event: .presenceAcked("away", capacityUsed: 0)),  // 10,000 ms on the wall clock
            Record(agent: "b", time: 13 * second, event: .offer(offerID: "o2", conversation: "c2", grantedAtMs: 10_500)),
        ]
        #expect(ChaosChecks.run(evidence).offersAfterPresenceChange == 0, "made within the grace")

        evidence.agentRecords.append(Record(agent: "b", time: 14 * second, event: .offer(offerID: "o3", conversation: "c3", grantedAtMs: 12_000)))
        let findings = ChaosChecks.run(evidence)
        #expect(findings.offersAfterPresenceChange == 1 && findings.violations == 0)

        var requested = evidence
        requested.agentRecords.insert(Record(agent: "b", time: 11 * second, event: .presenceRequested("available")), at: evidence.agentRecords.count - 1)
        #expect(ChaosChecks.run(requested).offersAfterPresenceChange == 0, "asked to be available again: its acknowledgement may come after the offer")
    }

    @Test func anAcceptedReplyThatNeverReachedTheProviderIsMissing() {
        var evidence = Self.cleanEvidence()
        evidence.replies.append(.init(token: "a-r2", accepted: true))
        let findings = ChaosChecks.run(evidence)
        #expect(findings.repliesMissing == 1)
        #expect(findings.violations == 1)
    }

    @Test func aReplyUnderTwoReplyIDsIsDuplicatedButARepeatedKeyIsNot() {
        var evidence = Self.cleanEvidence()
        evidence.posts.append(.init(replyID: "r1", idempotencyKey: "r1", token: "a-r1", signatureValid: true))
        var findings = ChaosChecks.run(evidence)
        #expect(findings.providerPosts == 2 && findings.providerRepeatedPosts == 1)
        #expect(findings.violations == 0)

        evidence.posts.append(.init(replyID: "r9", idempotencyKey: "r9", token: "a-r1", signatureValid: true))
        findings = ChaosChecks.run(evidence)
        #expect(findings.repliesDuplicated == 1)
    }

    @Test func anSMSReplySentTwiceIsReportedApartFromDuplicates() {
        var evidence = Self.cleanEvidence()
        evidence.replies.append(.init(token: "a-r2", accepted: true))
        evidence.posts += [
            .init(replyID: nil, idempotencyKey: nil, token: "a-r2", signatureValid: true),
            .init(replyID: nil, idempotencyKey: nil, token: "a-r2", signatureValid: true),
        ]
        let findings = ChaosChecks.run(evidence)
        #expect(findings.repliesResentWithoutKey == 1)
        #expect(findings.repliesDelivered == 2)
        #expect(findings.providerRepeatedPosts == 0, "no key: nothing to repeat")
        #expect(findings.violations == 0)
    }

    @Test func aReplyWithABadSignatureIsAViolation() {
        var evidence = Self.cleanEvidence()
        evidence.posts[0].signatureValid = false
        #expect(ChaosChecks.run(evidence).badSignatures == 1)
    }
}
