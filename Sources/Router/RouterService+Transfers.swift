import Foundation
import Logging
import Messaging
import Wire

/// D8 across distributors (wire.md 5.3, "Transfer"): the conversation moves to the new queue
/// in the journal, and all its messages go, under new ids, to that queue's owner.
extension RouterService {
    func move(_ transfer: ConversationTransferred, id: MessageID, from peer: PeerID) async {
        var metadata: Logger.Metadata = [
            "conversation.id": "\(transfer.conversationID)", "queue": "\(transfer.toQueue)", "from_queue": "\(transfer.fromQueue)",
        ]
        guard configuration.queue(named: transfer.toQueue) != nil else {
            logger.warning("transfer to an unknown queue refused", metadata: metadata)
            await answerDistributor(peer, .ack(Ack(ackedID: id, outcome: .rejected(reason: "unknown queue \(transfer.toQueue)"))))
            return
        }
        let moved: Int?
        do {
            let ids = self.ids
            moved = try await journal.transferConversation(
                id: transfer.conversationID, toQueue: transfer.toQueue, nowMs: Self.nowMs(), newID: { Data(ids.next().bytes) })
        } catch {
            metrics.journalError()
            logger.error("cannot record a transfer; not acknowledged", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return
        }
        guard let moved else {
            await answerDistributor(peer, .ack(Ack(ackedID: id, outcome: .rejected(reason: "unknown conversation \(transfer.conversationID)"))))
            return
        }
        metadata["deliveries"] = "\(moved)"
        logger.info("conversation transferred to another queue", metadata: metadata)
        if moved > 0 { metrics.addPending(moved) }
        await answerDistributor(peer, .ack(Ack(ackedID: id, outcome: .accepted)))
        if let owner = registry.owner(ofQueue: transfer.toQueue) {
            await sendPending(queue: transfer.toQueue, to: owner)
        }
    }
}
