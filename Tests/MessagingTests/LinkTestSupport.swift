import Logging
import Messaging
import SwitchboardTestSupport
import Wire

/// Link timings scaled down so deaths and resends happen within a test's patience.
let fastLinks = LinkSettings(
    heartbeatInterval: .milliseconds(40), missedHeartbeatsBeforeDead: 3,
    resend: .init(acknowledgementTimeout: .milliseconds(150), maximumTimeout: .milliseconds(600)))

let testLogger: Logger = {
    var logger = Logger(label: "messaging-tests")
    logger.logLevel = .critical
    return logger
}()

func submit(_ providerID: String) -> WireMessage {
    .submit(Submit(message: InboundMessage(
        channelInstanceID: "mobile-app", channelType: "custom", providerMessageID: providerID, customerAddress: "c-1")))
}

/// The next element of a sequence, failing instead of waiting forever.
func next<S: AsyncSequence & Sendable>(_ sequence: S, within limit: Duration = .seconds(5), _ what: String = "next")
    async throws -> S.Element where S.Element: Sendable
{
    try await withTimeout(limit, what) {
        var iterator = sequence.makeAsyncIterator()
        guard let element = try await iterator.next() else { throw TimeoutError(what: "\(what): sequence ended", limit: limit) }
        return element
    }
}

/// Waits until `condition` holds, polling; fails after `limit`.
func eventually(within limit: Duration = .seconds(5), _ what: String, _ condition: @escaping @Sendable () async -> Bool) async throws {
    try await withTimeout(limit, what) {
        while await !condition() { try await Task.sleep(for: .milliseconds(10)) }
    }
}

/// One message from `dealer` to `router`, answered: both ends have heard each other (and the
/// dealer knows the router's run).
func exchangeOneMessage(_ dealer: DealerLink, _ router: RouterLink) async throws {
    let warmUp = Envelope(id: MessageIDGenerator().next(), message: submit("warm-up"))
    try await dealer.sendReliably(warmUp)
    let got = try await next(router.inbound, "warm-up")
    try await router.send(.submitAck(SubmitAck(ackedID: warmUp.id, outcome: .accepted)), to: got.peer)
    try await eventually("warm-up answered") { await dealer.unansweredCount == 0 }
}
