import Foundation
import Logging
import Messaging
import Synchronization
import Wire
import ZeroMQ

/// Drives conversations in as Wire `Submit`s straight at the router's ingress socket (the
/// pipeline without HTTP and without the adapter's outbox), as an ingress adapter would send
/// them: one DEALER link, the router's `SubmitAck` for each.
struct SubmitDriver: Sendable {
    let topology: BenchTopology
    let tracker: ConversationTracker
    let logger: Logger

    func run(pacer: LoadPacer) async throws(BenchError) {
        let context: ZeroMQContext
        let loop: ZeroMQEventLoop
        do {
            context = try ZeroMQContext()
            loop = try ZeroMQEventLoop(context: context, name: "bench-submit")
        } catch {
            throw BenchError(.loadFailed, "cannot start ZeroMQ for the submit driver", cause: error)
        }
        let link = DealerLink(
            name: "bench.submit", identity: "bench-submit-\(getpid())", connectTo: topology.addresses.routerIngress, loop: loop,
            ids: MessageIDGenerator(), logger: logger)
        let waiting = Waiting()
        do {
            try await link.start()
        } catch {
            await loop.shutdown()
            throw BenchError(.loadFailed, "cannot connect to the router's ingress endpoint", cause: error)
        }
        let answers = Task {
            for await envelope in link.inbound {
                guard case .submitAck(let ack) = envelope.message, let number = waiting.numbers.withLock({ $0.removeValue(forKey: ack.ackedID) })
                else { continue }
                if case .rejected(let reason) = ack.outcome { tracker.sendFailed(number, reason: "Submit rejected: \(reason)") }
            }
        }
        var failure: BenchError?
        while let number = await pacer.next() {
            let route = topology.route(number)
            let message = InboundMessage(
                channelInstanceID: route.channel, channelType: "custom", providerMessageID: "bench-m-\(number)",
                customerAddress: "bench-customer-\(number)", text: ConversationTracker.text(number),
                context: ["tier": .text(route.tier), "amount": .number(Double(route.amount))],
                receivedAtMs: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
            let envelope = Envelope(id: MessageIDGenerator.shared.next(), message: .submit(Submit(message: message)))
            waiting.numbers.withLock { $0[envelope.id] = number }
            tracker.sent(number, at: BenchClock.now())
            do {
                try await link.send(envelope)
            } catch {
                tracker.sendFailed(number, reason: "Submit send failed")
                failure = BenchError(.loadFailed, "cannot send a Submit", cause: error)
                break
            }
        }
        // Late SubmitAcks matter only for rejections; give them a moment.
        try? await Task.sleep(for: .milliseconds(200))
        await link.stop()
        answers.cancel()
        await loop.shutdown()
        try? context.terminate()
        if let failure { throw failure }
    }
}

/// Submits sent and not yet answered, by id: their conversation numbers.
private final class Waiting: Sendable {
    let numbers = Mutex<[MessageID: Int]>([:])
}

extension MessageIDGenerator {
    /// The bench's Submit ids (one generator: ids stay unique across runs of one bench).
    static let shared = MessageIDGenerator()
}
