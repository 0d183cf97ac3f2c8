import Logging
import Messaging
import Storage
import Wire

/// Agent replies (M1, wire.md 5.3): presence → distributor → router, same message id, and the
/// adapter's `AgentReplyAck` back to presence. The distributor is where G5 is checked: only the
/// agent holding the conversation may write to its customer, and only to that customer —
/// channel instance and address come from the conversation's stored messages, not from the
/// request.
extension Distributor {
    func replyFromAgent(_ reply: AgentReply, envelope: Envelope) async {
        var logger = self.logger
        logger[metadataKey: "conversation.id"] = .string(reply.conversationID)
        logger[metadataKey: "agent"] = .string(reply.agentID)
        // Presence's resend of a reply already on its way to the adapter (its AgentReplyAck is
        // late): not checked again, as it could be refused because the agent has wrapped up
        // since, although the first copy reaches the customer (found by `switchboard chaos`).
        // Passed on again at once, as checked the first time: a copy lost with a router or
        // adapter that restarted too fast to be seen dead would otherwise wait for this link's
        // back-off (2, 4, 8 s …) while the agent's resends, each a resend here, went nowhere.
        if let forwarded = repliesForwarded[envelope.id] {
            await forward(forwarded, id: envelope.id, logger: logger)
            return
        }
        if let answer = agentReplyAnswers[envelope.id] {
            await answerPresence(AgentReplyAck(ackedID: envelope.id, outcome: answer))
            return
        }
        guard !repliesRecording.contains(envelope.id) else { return }  // its first copy is being recorded
        // Checked and passed on by the run before a restart (its answer, kept in memory, died
        // with that run): on again as checked then, and the adapter, which stored it once,
        // answers as it did (found by `switchboard chaos`: refused after a wrap-up otherwise).
        do {
            if let stored = try await store.forwardedReply(messageID: envelope.id.bytes) {
                guard case .agentReply(let checked) = try WireCodec.decodeStored(stored.payload).message else {
                    logger.error("a stored forwarded reply is not an agent reply; checking the resend anew")
                    return await check(reply, envelope: envelope, logger: logger)
                }
                repliesForwarded[envelope.id] = checked
                await send(checked, id: envelope.id, logger: logger)
                return
            }
        } catch {
            logger.error("cannot read the forwarded replies; reply not acknowledged", metadata: ["error": "\(error)"])
            return  // presence resends
        }
        await check(reply, envelope: envelope, logger: logger)
    }

    /// G5: only the agent holding the conversation writes, and only to its customer.
    private func check(_ reply: AgentReply, envelope: Envelope, logger: Logger) async {
        await resumeIfWaiting(conversationID: reply.conversationID, agentID: reply.agentID)  // D5: the agent writes
        guard let record = core.conversations[reply.conversationID] else {
            // Marked, so that presence, which may have sent it here only to ask, asks the next one.
            await refuseReply(
                envelope.id, "conversation \(reply.conversationID) is not in a queue of distributor \(settings.name)", unknownConversation: true)
            return
        }
        guard record.agentID == reply.agentID, record.state == .active || record.state == .waiting else {
            logger.warning("agent reply refused: the agent does not hold the conversation", metadata: ["state": "\(record.state)"])
            await refuseReply(envelope.id, "agent \(reply.agentID) does not hold conversation \(reply.conversationID) (\(record.state))")
            return
        }
        let first: StoredDelivery?
        do {
            first = try await store.firstDelivery(conversationID: reply.conversationID)
        } catch {
            logger.error("cannot read the conversation's channel; reply not acknowledged", metadata: ["error": "\(error)"])
            return  // presence resends
        }
        guard let first, case .deliver(let deliver) = try? WireCodec.decodeStored(first.payload).message else {
            await refuseReply(envelope.id, "conversation \(reply.conversationID) has no stored message to answer")
            return
        }
        var checked = reply
        checked.channelInstanceID = deliver.message.channelInstanceID
        checked.channelType = deliver.message.channelType
        checked.customerAddress = deliver.message.customerAddress
        // Recorded before it goes: a resend after a restart then goes on as checked now.
        let recorded: ForwardedReply
        do {
            recorded = ForwardedReply(
                messageID: envelope.id.bytes, payload: try WireCodec.encodeStored(Envelope(id: envelope.id, message: .agentReply(checked))))
        } catch {
            logger.error("cannot encode an agent reply for storage; not acknowledged", metadata: ["error": "\(error)"])
            return
        }
        repliesRecording.insert(envelope.id)
        defer { repliesRecording.remove(envelope.id) }
        do {
            try await store.commit(QueueStateChange(forwardedReplies: [recorded]))
        } catch {
            logger.error("cannot record an agent reply; not acknowledged", metadata: ["error": "\(error)"])
            return  // presence resends
        }
        await forward(checked, id: envelope.id, logger: logger)
    }

    /// Resent (same id) until the router brings the adapter's AgentReplyAck. Noted before
    /// the send, so an ack arriving during it is not followed by a stale entry.
    private func forward(_ checked: AgentReply, id: MessageID, logger: Logger) async {
        repliesForwarded[id] = checked
        await send(checked, id: id, logger: logger)
    }

    private func send(_ checked: AgentReply, id: MessageID, logger: Logger) async {
        do {
            try await routerLink.sendReliably(Envelope(id: id, message: .agentReply(checked)))
            logger.debug("agent reply sent to the router", metadata: ["message.id": "\(id)"])
        } catch {
            logger.warning("cannot send an agent reply to the router; presence resends it", metadata: ["error": "\(error)"])
        }
    }

    /// The adapter's answer, through the router: presence tells the agent.
    func replyAcknowledged(_ ack: AgentReplyAck) async {
        // The router brings only answers to replies it relayed from this distributor (checked
        // here, maybe by the run before a restart): the adapter's word on that id.
        repliesForwarded[ack.ackedID] = nil
        agentReplyAnswers.remember(ack.outcome, for: ack.ackedID)
        await answerPresence(ack)
    }

    private func answerPresence(_ ack: AgentReplyAck) async {
        do {
            try await presenceLink.send(Envelope(id: ids.next(), message: .agentReplyAck(ack)))
        } catch {
            logger.warning("cannot pass an AgentReplyAck to presence; it resends the reply", metadata: ["error": "\(error)"])
        }
    }

    private func refuseReply(_ id: MessageID, _ reason: String, unknownConversation: Bool = false) async {
        await answerPresence(AgentReplyAck(ackedID: id, outcome: .rejected(reason: reason), unknownConversation: unknownConversation))
    }
}
