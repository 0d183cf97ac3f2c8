import Logging
import Messaging
import Storage
import SwitchboardCore
import Wire

/// The router link (wire.md 5.2, 5.3): Ready, Deliver → record → DeliverAck.
extension Distributor {
    func sendReady() async {
        let ready = Envelope(id: ids.next(), message: .ready(Ready(distributor: settings.name, queues: settings.queues, instanceID: instanceID)))
        readyAccepted = false
        readyOutstanding = ready.id
        do {
            try await routerLink.sendReliably(ready)
            logger.info("Ready sent", metadata: ["queues": "\(settings.queues.joined(separator: ","))"])
        } catch {
            logger.error("cannot send Ready", metadata: ["error": "\(error)"])
        }
    }

    func routerEvent(_ event: LinkEvent) async {
        switch event {
        case .peerDead:
            readyAccepted = false
            logger.warning("router silent: waiting for it to come back")
        case .peerAlive:
            // The router may have restarted and forgotten us: announce again (Majordomo).
            await sendReady()
        }
    }

    func fromRouter(_ envelope: Envelope) async {
        switch envelope.message {
        case .readyAccepted(let accepted):
            let wasRegistered = readyAccepted
            readyAccepted = true
            if accepted.readyID == readyOutstanding { readyOutstanding = nil }
            logger.info("router accepted our queues", metadata: ["queues": "\(accepted.queues.joined(separator: ","))"])
            // The router dropped, unanswered, what we sent while it did not know us (a close,
            // a transfer): it goes again now rather than after the resend wait (decisions §31).
            // Once per registration: the answers to earlier Readys change nothing more.
            if !wasRegistered { await routerLink.resendUnanswered() }
        case .readyRefused(let refused):
            readyOutstanding = nil
            let owner = refused.currentOwner.map { " (owned by \($0))" } ?? ""
            let message = "router refused queues \(refused.conflictingQueues.joined(separator: ","))\(owner): \(refused.reason) \(refused.detail)"
            logger.error("\(message); stopping: a queue has one distributor at a time")
            fail(DistributorError(code: .readyRefused, message: message))
        case .disconnect:
            // The router does not know us (it restarted). It says so to each message it
            // drops: one Ready at a time answers them all (the link resends it until answered).
            if readyOutstanding == nil || readyAccepted { await sendReady() }
        case .deliver(let deliver):
            await deliverReceived(deliver, envelope: envelope)
        case .agentReplyAck(let ack):
            await replyAcknowledged(ack)
        case .ack(let ack):
            // The router's answer to a message of ours: the link has already stopped resending
            // it. One per copy, so a resent message is answered more than once.
            if case .rejected(let reason) = ack.outcome {
                logger.warning("the router refused a message", metadata: ["message.id": "\(ack.ackedID)", "reason": "\(reason)"])
            }
            if let conversationID = departuresSent.removeValue(forKey: ack.ackedID) {
                // Any answer ends it: the router took the close or transfer, or will never
                // take it (a refused transfer is not made better by resending it at every
                // restart).
                departureConfirmed(conversationID)
            }
        default:
            logger.warning("unexpected message from the router", metadata: ["type": "\(envelope.type)"])
        }
    }

    /// A confirmed departure only ever purges a stored record (no record to write, nothing
    /// to do: `DepartureTests`), so the purge is queued with the next group commit and not
    /// waited for; a crash before it only brings the close, and its Ack, again.
    private func departureConfirmed(_ conversationID: String) {
        let step = core.handle(.departureConfirmed(conversationID: conversationID), nowMs: Self.nowMs())
        if !step.purged.isEmpty { purgeLater(step.purged) }
    }

    private func acknowledge(_ envelope: Envelope, _ outcome: AckOutcome) async {
        let ack = Envelope(id: ids.next(), message: .deliverAck(DeliverAck(ackedID: envelope.id, outcome: outcome)))
        do {
            try await routerLink.send(ack)
        } catch {
            logger.warning("cannot send DeliverAck; the router will resend", metadata: ["error": "\(error)"])
        }
    }

    private func deliverReceived(_ deliver: Deliver, envelope: Envelope) async {
        var logger = self.logger
        logger[metadataKey: "conversation.id"] = .string(deliver.conversationID)
        logger[metadataKey: "queue"] = .string(deliver.queue)
        guard settings.queues.contains(deliver.queue) else {
            logger.warning("Deliver for a queue this distributor does not own: rejected")
            await acknowledge(envelope, .rejected(reason: "distributor \(settings.name) does not own queue \(deliver.queue)"))
            return
        }
        guard configuration.workStream(named: deliver.workStream) != nil else {
            logger.warning("Deliver names an unknown work stream: rejected", metadata: ["workStream": "\(deliver.workStream)"])
            await acknowledge(envelope, .rejected(reason: "unknown work stream \(deliver.workStream)"))
            return
        }
        guard !deliversInFlight.contains(envelope.id) else { return }
        do {
            if try await store.delivery(messageID: envelope.id.bytes) != nil {
                metrics.duplicateDelivers.increment()
                await acknowledge(envelope, .duplicate)
                return
            }
        } catch {
            logger.error("cannot check Deliver for duplicates; not acknowledged", metadata: ["error": "\(error)"])
            return
        }
        // Re-check after the await: the same id may have been recorded meanwhile.
        guard !deliversInFlight.contains(envelope.id) else { return }
        let payload: [UInt8]
        do {
            payload = try WireCodec.encodeStored(envelope)
        } catch {
            logger.error("cannot encode Deliver for storage", metadata: ["error": "\(error)"])
            return
        }
        let sequence = max(deliver.conversationSequence, deliver.kind == .newConversation ? 1 : 0)
        let event: DistributionEvent =
            switch deliver.kind {
            case .newConversation:
                .conversationArrived(
                    conversationID: deliver.conversationID, queue: deliver.queue, workStream: deliver.workStream,
                    sequence: sequence)
            case .followUp:
                core.conversations[deliver.conversationID] == nil
                    // The conversation is new to this distributor (re-routed here): it starts here.
                    ? .conversationArrived(
                        conversationID: deliver.conversationID, queue: deliver.queue, workStream: deliver.workStream,
                        sequence: sequence)
                    : .messageArrived(conversationID: deliver.conversationID, sequence: sequence)
            }
        deliversInFlight.insert(envelope.id)
        defer { deliversInFlight.remove(envelope.id) }
        let step = core.handle(event, nowMs: Self.nowMs())
        let ticket = stepOrder.take()
        defer { endTurn(ticket) }
        let delivery = StoredDelivery(
            messageID: envelope.id.bytes, conversationID: deliver.conversationID, sequence: sequence, payload: payload)
        // Recorded (conversation state and message) before the ack and before any offer.
        do {
            try await store.commit(QueueStateChange(conversations: step.changed, deliveries: [delivery], purged: step.purged))
        } catch {
            storeFailed(error)  // not acknowledged: the router resends to whoever owns the queue next
            await waitForTurn(ticket)  // never end a turn before the earlier ones
            return
        }
        metrics.delivers.increment()
        recentDeliveries.remember(deliver, for: DeliveryKey(conversationID: deliver.conversationID, sequence: sequence))
        logger.debug("Deliver recorded", metadata: ["sequence": "\(sequence)", "kind": "\(deliver.kind)"])
        // When this step's turn has come, its actions (the offer) go out before the ack: they
        // are on the conversation's way to an agent, the ack is not, and the router's work on
        // the ack would compete with presence's on the offer for this machine's cores. When
        // an earlier step still acts, the ack goes first rather than wait for it (decisions §46).
        if ticket == stepOrder.turn {
            await perform(step.actions, answering: nil)
            await acknowledge(envelope, .accepted)
        } else {
            await acknowledge(envelope, .accepted)
            await waitForTurn(ticket)
            await perform(step.actions, answering: nil)
        }
        await afterStep()
    }
}
