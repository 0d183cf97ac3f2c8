/// What the checks found: every count `switchboard chaos` prints, and a few examples of each
/// violation. Counts named in `violations` must be 0; the others describe the run.
struct ChaosFindings: Sendable, Equatable, Codable {
    // 1. every webhook answered 2xx is in exactly one conversation in exactly one queue, and reached an agent once
    var webhooksAccepted = 0
    var lost = 0
    /// Stored by the router, still pending there at the end, at no distributor: not lost (the
    /// journal keeps it and resends it), but the system did not deliver it by the end of the drain.
    var undeliveredAtEnd = 0
    var duplicated = 0
    /// Active (or later) at its distributor, yet no agent ever received its message.
    var notReachedAgent = 0
    /// Still Open or Waiting in its queue when the run ended (not a violation: no agent took it yet).
    var waitingAtEnd = 0
    /// Webhooks that never got a 2xx but were stored anyway (the answer was lost): allowed.
    var storedWithout2xx = 0
    /// A customer message delivered to an agent again with the same (conversation, sequence): allowed (agent.md).
    var redeliveredMessages = 0
    // 2
    var doubleActive = 0
    // 3
    var offers = 0
    /// Grants above the agent's capacity in presence's frames, or more conversations Active at
    /// once with an agent than its capacity.
    var overCapacityOffers = 0
    /// Offers received while offers and Active conversations already filled the capacity
    /// (information: an offer may arrive late, after its reservation was given back).
    var offersWhileFull = 0
    /// Capacity presence granted while the agent's chosen presence (in the same `presence` frame)
    /// was not allowed: each such grant is a push offer outside allowed presences.
    var wrongPresenceOffers = 0
    /// Offers the distributor made more than the grace after presence applied a presence that is
    /// not allowed (and before the agent asked for an allowed one): reported, not a violation, since
    /// the Grant may have been given before the change and reached the distributor late.
    var offersAfterPresenceChange = 0
    // 4
    var repliesSent = 0
    var repliesAccepted = 0
    /// Accepted replies that reached the provider (distinct reply tokens).
    var repliesDelivered = 0
    /// Accepted replies the provider never received.
    var repliesMissing = 0
    /// Replies the provider received under two or more reply ids (a second send it could not deduplicate).
    var repliesDuplicated = 0
    /// Every POST the provider received, and those repeating an Idempotency-Key it had already seen (deduplicable).
    var providerPosts = 0
    var providerRepeatedPosts = 0
    /// Replies POSTed more than once to an API without an idempotency key (Twilio): the customer
    /// got them twice. Reported, not a violation: at-least-once is all such an API allows.
    var repliesResentWithoutKey = 0
    /// Replies whose `replyResult` never came (or was rejected) but that reached the provider: allowed.
    var deliveredWithoutAccept = 0
    var badSignatures = 0

    var examples: [String] = []
    /// False when the drain ended before everything arrived: `notReachedAgent`,
    /// `undeliveredAtEnd` and `repliesMissing` may then be on their way, so they are not counted as violations
    /// (the run fails as incomplete instead).
    var drained = true

    var violations: Int {
        lost + (drained ? undeliveredAtEnd + notReachedAgent + repliesMissing : 0) + duplicated + doubleActive + overCapacityOffers + wrongPresenceOffers
            + repliesDuplicated + badSignatures
    }

    /// Examples kept per kind of violation (the text before the first colon).
    static let examplesPerKind = 5

    mutating func note(_ example: @autoclosure () -> String) {
        let text = example()
        let kind = text.prefix { $0 != ":" }
        if examples.filter({ $0.hasPrefix(kind + ":") }).count < Self.examplesPerKind { examples.append(text) }
    }
}
