import Foundation
import Logging
import Storage
import Wire

/// Writes verified inbound messages to the outbox as `Submit`s (one group commit per
/// request, shared with concurrent requests), then wakes the forwarder.
public final class InboundRecorder: Sendable {
    let store: OutboxStore
    private let ids: MessageIDGenerator
    private let metrics: IngressMetrics
    private let stored: WakeSignal

    public init(store: OutboxStore, ids: MessageIDGenerator, metrics: IngressMetrics, stored: WakeSignal) {
        self.store = store
        self.ids = ids
        self.metrics = metrics
        self.stored = stored
    }

    /// Returns once the messages are durable. A message whose provider id this channel
    /// instance already stored comes back `duplicate` with the first message's id.
    public func record(_ messages: [InboundMessage]) async throws(IngressError) -> [StoredMessage] {
        var inserts: [OutboxInsert] = []
        inserts.reserveCapacity(messages.count)
        for message in messages {
            let envelope = Envelope(id: ids.next(), message: .submit(Submit(message: message)))
            inserts.append(try OutboxCodec.insert(
                envelope, channelInstanceID: message.channelInstanceID, providerMessageID: message.providerMessageID,
                createdAtMs: message.receivedAtMs))
        }
        let outcomes: [OutboxInsertOutcome]
        do {
            outcomes = try await store.insert(inserts)
        } catch {
            throw IngressError(code: .storeFailed, message: "cannot store \(messages.count) inbound messages", cause: error)
        }
        var result: [StoredMessage] = []
        for (message, outcome) in zip(messages, outcomes) {
            guard let id = MessageID(bytes: outcome.messageID) else {
                throw IngressError(code: .storeFailed, message: "outbox row \(outcome.sequence) has a malformed message id")
            }
            if outcome.duplicate { metrics.duplicates.increment() } else { metrics.accepted.increment() }
            result.append(StoredMessage(providerMessageID: message.providerMessageID, messageID: id, duplicate: outcome.duplicate))
        }
        if result.contains(where: { !$0.duplicate }) { stored.signal() }
        return result
    }
}
