import Logging
import Messaging
import Wire

/// Agent replies (M1, wire.md 5.3): distributor → router → the adapter of the reply's channel
/// type, with the same message id all the way, and the adapter's `AgentReplyAck` back to the
/// distributor that sent it.
///
/// The router keeps nothing durable here: the distributor resends the reply until the ack
/// reaches it, and the adapter stores it once by its id, so a reply in flight when the router
/// dies is sent again after the restart and still reaches the customer once.
extension RouterService {
    func relay(_ reply: AgentReply, envelope: Envelope, from peer: PeerID) async {
        var metadata: Logger.Metadata = ["conversation.id": "\(reply.conversationID)", "message.id": "\(envelope.id)"]
        guard let channel = configuration.channel(id: reply.channelInstanceID), channel.type.rawValue == reply.channelType else {
            let reason = "unknown channel instance '\(reply.channelInstanceID)' of type \(reply.channelType)"
            logger.warning("agent reply refused", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            await answerDistributor(peer, .agentReplyAck(AgentReplyAck(ackedID: envelope.id, outcome: .rejected(reason: reason))))
            return
        }
        let adapter = PeerID("ingress-\(channel.type.rawValue)")
        replyOrigins[envelope.id] = (peer, adapter)
        metadata["adapter"] = "\(adapter)"
        do {
            // Kept and resent while the adapter is away, until its AgentReplyAck.
            try await ingressLink.sendReliably(envelope, to: adapter)
            metrics.replyRelayed()
            logger.debug("agent reply relayed to its adapter", metadata: metadata)
        } catch {
            logger.error("cannot relay an agent reply; the distributor resends it", metadata: metadata.merging(["error": "\(error)"]) { $1 })
        }
    }

    func relay(_ ack: AgentReplyAck, from adapter: PeerID) async {
        guard let origin = replyOrigins[ack.ackedID] else {
            // Sent before a router restart: the distributor's resend brings the ack back here.
            logger.debug("AgentReplyAck for a reply not relayed by this run; dropped", metadata: ["message.id": "\(ack.ackedID)"])
            return
        }
        // Only the adapter the reply went to answers for it (found by the fuzzer: another
        // adapter's ack for a reply still on its way was passed to the distributor).
        guard origin.adapter == adapter else {
            logger.warning(
                "AgentReplyAck from an adapter the reply was not sent to; dropped",
                metadata: ["message.id": "\(ack.ackedID)", "peer": "\(adapter)", "expected": "\(origin.adapter)"])
            return
        }
        replyOrigins[ack.ackedID] = nil
        await answerDistributor(origin.distributor, .agentReplyAck(ack))
    }
}
