import Logging
import Messaging
import SwitchboardCore
import Wire

/// The presence links (wire.md 5.4–5.6): reservations, offers, customer messages for the
/// agent, and the Clone mirror of agent states.
extension Distributor {
    // MARK: actions of the core

    /// Carries out a stored step's actions. `envelope` is the message being answered (OfferReply).
    func perform(_ actions: [DistributionAction], answering envelope: Envelope?) async {
        for action in actions {
            do {
                try await perform(action, answering: envelope)
            } catch {
                // Reliable sends are kept by the link; this is a stopped or unstarted link.
                logger.warning("cannot send to presence", metadata: ["error": "\(error)"])
            }
        }
    }

    private func perform(_ action: DistributionAction, answering envelope: Envelope?) async throws {
        switch action {
        case .reserve(let request):
            var offer: Offer?  // the offer the Reserve carries (decisions §26), with its messages
            if let requested = request.offer { offer = await wireOffer(requested) }
            let reserve = Reserve(
                reservationID: request.reservation.id, agentID: request.reservation.agentID,
                conversationID: request.conversationID, units: UInt32(clamping: request.reservation.units),
                reason: Self.wireReason(request.reason), queue: request.queue,
                allowedPresences: request.allowedPresences.compactMap { Wire.BasePresence(rawValue: $0.rawValue) }.sorted { $0.rawValue < $1.rawValue },
                offer: offer)
            try await presenceLink.sendReliably(Envelope(id: ids.next(), message: .reserve(reserve)))
        case .sendOffer(let request):
            let message = Envelope(id: ids.next(), message: .offer(await wireOffer(request)))
            offerMessages[message.id] = request.offerID
            metrics.offersSent.increment()
            logger.info(
                "offer sent",
                metadata: ["conversation.id": "\(request.conversationID)", "agent": "\(request.agentID)", "queue": "\(request.queue)"])
            try await presenceLink.sendReliably(message)
        case let .withdrawOffer(offerID, agentID, conversationID, reason):
            let withdrawn = OfferWithdrawn(
                offerID: offerID, agentID: agentID, conversationID: conversationID, reason: Self.wireReason(reason))
            try await presenceLink.sendReliably(Envelope(id: ids.next(), message: .offerWithdrawn(withdrawn)))
        case let .release(reservation, conversationID):
            let release = Self.wireRelease(reservation, conversationID: conversationID)
            try await presenceLink.sendReliably(Envelope(id: ids.next(), message: .release(release)))
        case let .answerOfferReply(offerID, stands):
            guard let envelope else { return }
            let outcome: AckOutcome = stands ? .accepted : .rejected(reason: "offer withdrawn")
            offerReplyAnswers.remember(outcome, for: envelope.id)
            if !stands { logger.info("reply to an offer that no longer stands", metadata: ["offer": "\(offerID)"]) }
            try await presenceLink.send(Envelope(id: ids.next(), message: .ack(Ack(ackedID: envelope.id, outcome: outcome))))
        case let .forwardMessages(conversationID, agentID, sequences):
            try await forward(conversationID: conversationID, agentID: agentID, sequences: sequences)
        case let .offerAccepted(conversationID, agentID):
            metrics.offersAccepted.increment()
            if let queue = core.conversations[conversationID]?.queue { metrics.assigned(queue: queue) }
            logger.info("conversation assigned", metadata: ["conversation.id": "\(conversationID)", "agent": "\(agentID)"])
        case let .offerRejected(conversationID, agentID):
            metrics.offersRejected.increment()
            logger.info("offer rejected", metadata: ["conversation.id": "\(conversationID)", "agent": "\(agentID)"])
        case let .offerExpired(conversationID, agentID):
            metrics.offersExpired.increment()
            logger.info("offer expired", metadata: ["conversation.id": "\(conversationID)", "agent": "\(agentID)"])
        case .setAgentAway, .workItemAdded, .workItemRemoved, .conversationClosed, .transferOut, .stateChanged,
            .overCapacity, .transferCompleted, .transferFailed:
            try await performLifecycle(action)
        }
    }

    /// A reservation given back, as a `Release` sends it and an action's result carries it.
    static func wireRelease(_ reservation: Reservation, conversationID: String) -> Release {
        Release(
            reservationID: reservation.id, agentID: reservation.agentID, conversationID: conversationID,
            units: UInt32(clamping: reservation.units))
    }

    static func wireReason(_ reason: CapacityReason) -> ReserveReason {
        switch reason {
        case .push: .push
        case .pick: .pick
        case .selectFromPush: .selectFromPush
        case .affinity: .affinity
        case .transfer: .pick  // the wire has no TRANSFER reason yet; PICK is granted the same way
        }
    }

    /// The offer with the customer messages it carries (decisions §57): messages
    /// 1...`messagesThrough`, or the first of them that fit `offeredMessageBytes` of text.
    /// Presence reports which the agent had, so carrying fewer (none, when they cannot be
    /// read) only means more are forwarded after the accept.
    func wireOffer(_ request: OfferRequest) async -> Offer {
        var offer = Self.wireOffer(request)
        let last = min(request.messagesThrough, UInt64(Offer.maxMessages))
        guard last > 0 else { return offer }
        do {
            var bytes = 0
            for (sequence, deliver) in try await recorded(conversationID: request.conversationID, sequences: 1...last) {
                bytes += deliver.message.text.utf8.count
                guard sequence == UInt64(offer.messages.count + 1), bytes <= Self.offeredMessageBytes else { break }
                offer.messages.append(OfferedMessage(sequence: sequence, message: deliver.message))
            }
        } catch {
            logger.warning(
                "cannot read the messages an offer carries; they follow the accept",
                metadata: ["conversation.id": "\(request.conversationID)", "error": "\(error)"])
        }
        return offer
    }

    /// The text an offer carries at most: enough for what customers write before an agent
    /// takes the conversation, small beside the wire's frame limits.
    static let offeredMessageBytes = 32 * 1024

    static func wireOffer(_ request: OfferRequest) -> Offer {
        Offer(
            offerID: request.offerID, conversationID: request.conversationID, agentID: request.agentID,
            queue: request.queue, workStream: request.workStream, expiresAtMs: request.expiresAtMs,
            kind: wireKind(request.kind), reservationID: request.reservationID)
    }

    static func wireKind(_ kind: PendingOffer.Kind) -> OfferKind {
        switch kind {
        case .push: .push
        case .affinity: .affinity
        case .transfer: .transfer
        }
    }

    static func wireReason(_ reason: OfferWithdrawalReason) -> WithdrawReason {
        switch reason {
        case .expired: .expired
        case .taken: .taken
        case .conversationClosed: .conversationClosed
        case .agentUnavailable: .agentUnavailable
        }
    }

    /// Hands stored customer messages to the agent holding the conversation (M1).
    private func forward(conversationID: String, agentID: String, sequences: ClosedRange<UInt64>) async throws {
        for (sequence, deliver) in try await recorded(conversationID: conversationID, sequences: sequences) {
            let message = ConversationMessage(
                conversationID: conversationID, agentID: agentID, sequence: sequence, message: deliver.message,
                queue: deliver.queue, workStream: deliver.workStream)
            let envelope = Envelope(id: ids.next(), message: .conversationMessage(message))
            forwardedMessages[envelope.id] = (conversationID, sequence)
            try await presenceLink.sendReliably(envelope)
        }
    }

    /// The recorded Delivers of `sequences`, in order: from memory when all of them were
    /// recorded lately (the usual case: a message goes to the agent as soon as it is stored),
    /// else from the store.
    private func recorded(conversationID: String, sequences: ClosedRange<UInt64>) async throws -> [(UInt64, Deliver)] {
        if sequences.upperBound - sequences.lowerBound < 64 {
            let remembered = sequences.compactMap { sequence in
                recentDeliveries[DeliveryKey(conversationID: conversationID, sequence: sequence)].map { (sequence, $0) }
            }
            if remembered.count == sequences.count { return remembered }
        }
        return try await store.deliveries(conversationID: conversationID, sequences: sequences).compactMap { delivery in
            guard case .deliver(let deliver) = try WireCodec.decodeStored(delivery.payload).message else { return nil }
            return (delivery.sequence, deliver)
        }
    }

    // MARK: presence's requests and answers

    func fromPresence(_ envelope: Envelope) async {
        let now = Self.nowMs()
        switch envelope.message {
        case .grant(let grant):
            if grant.offered {
                metrics.offersSent.increment()
                logger.info("offer made with the reservation", metadata: ["reservation": "\(grant.reservationID)", "agent": "\(grant.agentID)"])
            }
            let event = DistributionEvent.reservationGranted(
                reservationID: grant.reservationID, sequence: grant.sequence, agentID: grant.agentID, units: Int(grant.units),
                offered: grant.offered)
            _ = await apply(core.handle(event, nowMs: now), deferrable: true)
        case .deny(let deny):
            logger.info("reservation denied", metadata: ["reservation": "\(deny.reservationID)", "reason": "\(deny.reason)"])
            _ = await apply(core.handle(.reservationDenied(reservationID: deny.reservationID), nowMs: now))
        case .ack(let ack):
            if let forwarded = forwardedMessages.removeValue(forKey: ack.ackedID) {
                if case .rejected(let reason) = ack.outcome {
                    // The agent is not connected; D7 (disconnect) decides what happens to the conversation.
                    logger.warning(
                        "customer message not handed to the agent",
                        metadata: ["conversation.id": "\(forwarded.conversationID)", "reason": "\(reason)"])
                } else {
                    let event = DistributionEvent.messageAcknowledged(conversationID: forwarded.conversationID, sequence: forwarded.sequence)
                    _ = await apply(core.handle(event, nowMs: now), deferrable: true)
                }
            }
            if let offerID = offerMessages.removeValue(forKey: ack.ackedID), case .rejected(let reason) = ack.outcome {
                logger.info("offer not delivered to the agent", metadata: ["offer": "\(offerID)", "reason": "\(reason)"])
                _ = await apply(core.handle(.offerUndeliverable(offerID: offerID), nowMs: now))
            }
        case .offerReply(let reply):
            if let answer = offerReplyAnswers[envelope.id] {
                try? await presenceLink.send(Envelope(id: ids.next(), message: .ack(Ack(ackedID: envelope.id, outcome: answer))))
                return
            }
            let event = DistributionEvent.offerReplied(
                offerID: reply.offerID, agentID: reply.agentID, accepted: reply.decision == .accept, messagesThrough: reply.messagesThrough)
            _ = await apply(core.handle(event, nowMs: now), answering: envelope)
        case .agentReply(let reply):
            await replyFromAgent(reply, envelope: envelope)
        case .agentAction(let action):
            await agentAction(action, envelope: envelope)
        case .snapshotReply(let reply):
            await mirrorOutcome(mirror.snapshotReply(reply))
        case .releaseAck(let ack):
            _ = await apply(core.handle(.releaseAcknowledged(reservationID: ack.reservationID), nowMs: now), deferrable: true)
        case .disconnect:
            break
        default:
            logger.warning("unexpected message from presence", metadata: ["type": "\(envelope.type)"])
        }
    }

    func presenceEvent(_ event: LinkEvent) async {
        guard case .peerAlive = event else { return }
        if !mirror.isLoaded { await requestSnapshot() }
        await sendWorkItemSnapshots()  // presence may have restarted and forgotten them
        await sendHeldReservations()  // ... or not applied the releases of results (decisions §58)
        // ... and the accepts it had not confirmed to their agents (decisions §57).
        let returned = core.presenceReturned()
        if !returned.actions.isEmpty { _ = await apply(returned) }
    }

    // MARK: agent updates (Clone)

    func requestSnapshot() async {
        let request = Envelope(id: ids.next(), message: .snapshotRequest(SnapshotRequest()))
        mirror.requested(request.id)
        do {
            try await presenceLink.sendReliably(request)
        } catch {
            logger.warning("cannot request presence's snapshot", metadata: ["error": "\(error)"])
        }
    }

    func fromUpdates(_ envelope: Envelope) async {
        switch envelope.message {
        case .agentUpdate(let update):
            await mirrorOutcome(mirror.update(update))
        case .heartbeat(let beat):
            await mirrorOutcome(mirror.heartbeat(lastSequence: beat.lastSequence))
        default:
            break
        }
    }

    func updatesEvent(_ event: LinkEvent) async {
        if case .peerAlive = event { await mirrorOutcome(mirror.publisherReturned()) }
    }

    private func mirrorOutcome(_ outcome: PresenceMirror.Outcome) async {
        switch outcome {
        case .none:
            break
        case .resnapshot:
            logger.info("presence updates lost: taking a new snapshot")
            await requestSnapshot()
        case let .apply(agents, sequence, isSnapshot):
            let statuses = agents.map { Self.status($0, sequence: sequence) }
            let now = Self.nowMs()
            if isSnapshot {
                logger.info("presence snapshot loaded", metadata: ["agents": "\(agents.count)", "sequence": "\(sequence)"])
                _ = await apply(core.handle(.agentsSnapshot(statuses), nowMs: now))
            } else {
                for status in statuses {
                    let wasOnline = core.agentStatus(status.agentID).map { $0.basePresence != .offline } ?? false
                    _ = await apply(core.handle(.agentUpdated(status), nowMs: now))
                    // D7: presence sets `offline` only once the grace period is over.
                    if wasOnline, status.basePresence == .offline {
                        _ = await apply(core.handle(.agentWentOffline(agentID: status.agentID), nowMs: now))
                    }
                }
            }
        }
    }

    static func status(_ agent: AgentState, sequence: UInt64) -> AgentStatus {
        AgentStatus(
            agentID: agent.agentID,
            basePresence: SwitchboardCore.BasePresence(rawValue: agent.basePresence.rawValue) ?? .offline,
            capacityTotal: Int(agent.capacityTotal), capacityUsed: Int(agent.capacityUsed),
            lastAssignmentAtMs: agent.lastAssignmentAtMs, sequence: sequence)
    }
}
