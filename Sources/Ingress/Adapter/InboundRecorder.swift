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
    private let stored: OutboxSignal

    public init(store: OutboxStore, ids: MessageIDGenerator, metrics: IngressMetrics, stored: OutboxSignal) {
        self.store = store
        self.ids = ids
        self.metrics = metrics
        self.stored = stored
    }

    /// Returns once the messages are durable. A message whose provider id this channel
    /// instance already stored comes back `duplicate` with the first message's id.
    public func record(_ messages: [InboundMessage]) async throws(IngressError) -> [StoredMessage] {
        var prepared: [(encoded: EncodedEnvelope, row: OutboxInsert)] = []
        prepared.reserveCapacity(messages.count)
        for message in messages {
            let envelope = Envelope(id: ids.next(), message: .submit(Submit(message: message)))
            prepared.append(try OutboxCodec.insert(
                envelope, channelInstanceID: message.channelInstanceID, providerMessageID: message.providerMessageID,
                createdAtMs: message.receivedAtMs))
        }
        let outcomes: [OutboxInsertOutcome]
        do {
            outcomes = try await store.insert(prepared.map(\.row))
        } catch {
            throw IngressError(code: .storeFailed, message: "cannot store \(messages.count) inbound messages", cause: error)
        }
        var result: [StoredMessage] = []
        var committed: [OutboxSignal.Committed] = []
        for (index, outcome) in outcomes.enumerated() {
            let message = messages[index]
            guard let id = MessageID(bytes: outcome.messageID) else {
                throw IngressError(code: .storeFailed, message: "outbox row \(outcome.sequence) has a malformed message id")
            }
            if outcome.duplicate {
                metrics.duplicates.increment()
            } else {
                metrics.accepted.increment()
                committed.append(OutboxSignal.Committed(sequence: outcome.sequence, message: prepared[index].encoded))
            }
            result.append(StoredMessage(providerMessageID: message.providerMessageID, messageID: id, duplicate: outcome.duplicate))
        }
        stored.add(committed)
        // The forwarder (on this loop) now has the rows: let it send them before the caller
        // goes on to answer the provider, which is off the conversation's way (decisions §48).
        if !committed.isEmpty { await Task.yield() }
        return result
    }
}
