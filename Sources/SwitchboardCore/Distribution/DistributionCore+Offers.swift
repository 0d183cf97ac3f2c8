/// Offers (D1 push, D4 affinity, D8 transfer to an agent): Reserve (carrying the offer) →
/// Grant (offered) → accept / reject / time-out, and the capacity they hold or give back
/// (wire.md 5.4, 5.6). A Grant that says the offer was not made is followed by an Offer.
extension DistributionCore {
    /// Starts an offer: reserves the units with presence, which makes the offer once it grants.
    /// Push reservations need an allowed presence and free units (presence checks again);
    /// affinity and transfer ones are granted whatever the agent's load (D4, D8). The offer's
    /// time runs from here: the agent is shown this expiry.
    mutating func startOffer(_ record: inout ConversationRecord, to agentID: String, kind: PendingOffer.Kind, nowMs: Int64) {
        guard let stream = workStreams[record.workStream] else { return }
        let reason: CapacityReason =
            switch kind {
            case .push: .push
            case .affinity: .affinity
            case .transfer: .transfer
            }
        let reservation = newReservation(&record, for: agentID, units: stream.capacity, reason: reason)
        // The agent who held it last has its messages already; another sees the first ones
        // with the offer, so accepting it needs no message of its own to hand them over.
        let carried = agentID == record.agentID ? 0 : min(record.receivedThrough, Self.maxOfferedMessages)
        let pending = PendingOffer(
            offerID: reservation.id, reservation: reservation, kind: kind, expiresAtMs: nowMs + offerTimeoutMs(record),
            messagesThrough: carried > 0 ? carried : nil)
        record.pending = pending
        recorder.emit(.reserve(reserveRequest(for: pending, of: record, allowedPresences: kind == .push ? stream.allowedPresences : [])))
    }

    /// The Reserve of a pending offer, carrying the offer (also what a restart resends). A
    /// record stored before Reserves carried their offer has no expiry in the reserving stage:
    /// its Reserve goes without, the Grant answers `offered: false` and the Offer follows.
    func reserveRequest(for pending: PendingOffer, of record: ConversationRecord, allowedPresences: Set<BasePresence>) -> ReserveRequest {
        ReserveRequest(
            reservation: pending.reservation, conversationID: record.id, queue: record.queue,
            allowedPresences: allowedPresences, offer: pending.expiresAtMs == nil ? nil : offerRequest(for: pending, of: record))
    }

    func offerRequest(for pending: PendingOffer, of record: ConversationRecord) -> OfferRequest {
        OfferRequest(
            offerID: pending.offerID, conversationID: record.id, agentID: pending.agentID, queue: record.queue,
            workStream: record.workStream, expiresAtMs: pending.expiresAtMs ?? 0, reservationID: pending.reservation.id,
            kind: pending.kind, messagesThrough: pending.messagesThrough ?? 0)
    }

    /// How many of a conversation's first customer messages an offer carries at most (the
    /// wire's `Offer.maxMessages`); the rest go after the accept, as later ones do.
    public static let maxOfferedMessages: UInt64 = 16

    /// A queue this distributor does not own (the owner rejects such Delivers): the default.
    func offerTimeoutMs(_ record: ConversationRecord) -> Int64 {
        queues[record.queue]?.offerTimeoutMs ?? QueueDefinition.defaultOfferTimeout.milliseconds
    }

    /// A reservation named after the attempt: unique per attempt, stable across restarts.
    /// Records an above-capacity take (D6) for the reasons that may go there.
    mutating func newReservation(
        _ record: inout ConversationRecord, for agentID: String, units: Int, reason: CapacityReason
    ) -> Reservation {
        record.attempts += 1
        if reason != .push, (freeUnits(of: agentID) ?? 0) < units {
            recorder.emit(.overCapacity(conversationID: record.id, agentID: agentID, reason: reason))
        }
        return Reservation(id: "\(record.id)#\(record.attempts)", agentID: agentID, units: units, reason: reason)
    }

    // MARK: presence's answers

    mutating func reservationGranted(_ reservationID: String, sequence: UInt64, agentID: String, units: Int, offered: Bool, nowMs: Int64) {
        guard let id = reservationOwners[reservationID], var record = conversations[id] else {
            // Granted for nothing we hold (a Reserve resent after its Release): give it back.
            if !agentID.isEmpty {
                let stray = Reservation(id: reservationID, agentID: agentID, units: units)
                recorder.emit(.release(stray, conversationID: reservationID.conversationIDOfReservation))
            }
            return
        }
        if var pending = record.pending, pending.reservation.id == reservationID {
            guard pending.stage == .reserving else { return }  // a repeated Grant: the offer is out already
            pending.stage = .offered
            pending.reservation.grantSequence = sequence
            if !offered || pending.expiresAtMs == nil {
                // Presence did not make it (the agent's session was not there): the Offer
                // follows, with its time from now.
                pending.expiresAtMs = nowMs + offerTimeoutMs(record)
            }
            record.pending = pending
            if !offered { recorder.emit(.sendOffer(offerRequest(for: pending, of: record))) }
        } else if var held = record.held, held.id == reservationID {
            guard held.grantSequence == nil else { return }
            held.grantSequence = sequence
            record.held = held
        } else if let given = record.releasing.first(where: { $0.id == reservationID }) {
            // Granted (again) after we gave it back: give it back again; presence dedupes.
            recorder.emit(.release(given, conversationID: id))
            return
        } else {
            return
        }
        save(record)
    }

    mutating func reservationDenied(_ reservationID: String, nowMs: Int64) {
        guard let id = reservationOwners[reservationID], var record = conversations[id] else { return }
        if let pending = record.pending, pending.reservation.id == reservationID, pending.stage == .reserving {
            record.pending = nil
            switch pending.kind {
            case .push:
                // Presence saw what we did not (another distributor's reservation, a change
                // in flight): skip the agent until their next update.
                deny(pending.agentID)
            case .affinity:
                break  // normal push applies (D4)
            case .transfer:
                if let holder = record.agentID {
                    recorder.emit(.transferFailed(conversationID: id, fromAgentID: holder, toAgentID: pending.agentID))
                }
            }
            save(record)
        } else if let held = record.held, held.id == reservationID, held.grantSequence == nil {
            // A pick or resume for an agent presence does not know: the take does not stand.
            record.held = nil
            if record.state == .active {
                let agentID = record.agentID
                record.state = .open
                record.agentID = nil
                record.autoCloseAtMs = autoCloseDeadline(for: record, nowMs: nowMs)
                recorder.emit(.stateChanged(conversationID: id, from: .active, to: .open, agentID: agentID))
            }
            save(record)
        }
    }

    mutating func releaseAcknowledged(_ reservationID: String) {
        guard let id = reservationOwners[reservationID], var record = conversations[id],
            record.releasing.contains(where: { $0.id == reservationID })
        else { return }
        record.releasing.removeAll { $0.id == reservationID }
        save(record)
    }

    mutating func offerUndeliverable(_ offerID: String) {
        guard let id = reservationOwners[offerID], var record = conversations[id], let pending = record.pending,
            pending.offerID == offerID, pending.stage == .offered
        else { return }
        // Not the agent's decision: no decline counted. Push skips them until they change.
        if pending.kind == .push { deny(pending.agentID) }
        abandonPending(&record, reason: nil)
        save(record)
    }

    mutating func offerReplied(_ offerID: String, agentID: String, accepted: Bool, messagesThrough: UInt64, nowMs: Int64) {
        // Still reserving, with the offer in the Reserve (it has an expiry): presence makes
        // such an offer only once it granted, so the reply proves the Grant, which a restart
        // of ours lost on the way (decisions §26). The held reservation's grant sequence stays
        // unknown until the Reserve, resent, is answered again.
        guard let id = reservationOwners[offerID], var record = conversations[id], let pending = record.pending,
            pending.offerID == offerID, pending.agentID == agentID,
            pending.stage == .offered || (pending.stage == .reserving && pending.expiresAtMs != nil)
        else {
            // A repeat of the accept that made the agent the holder (presence resends until
            // answered, also across our restarts) gets the same answer.
            let holder = reservationOwners[offerID].flatMap { conversations[$0] }
            let repeated = accepted && holder?.held?.id == offerID && holder?.agentID == agentID
            recorder.emit(.answerOfferReply(offerID: offerID, stands: repeated))
            return
        }
        if pending.kind == .transfer {
            transferReplied(&record, pending: pending, accepted: accepted, hadThrough: carried(pending, messagesThrough), nowMs: nowMs)
            save(record)
            return
        }
        guard accepted else {
            record.pending = nil
            record.declines[agentID, default: 0] += 1
            recorder.emit(.answerOfferReply(offerID: offerID, stands: true))
            giveBack(pending.reservation, of: &record)
            recorder.emit(.offerRejected(conversationID: id, agentID: agentID))
            save(record)
            return
        }
        guard (try? record.state.moving(to: .active)) != nil else {
            recorder.emit(.answerOfferReply(offerID: offerID, stands: false))
            return
        }
        let previous = record.agentID
        let from = record.state
        record.pending = nil
        record.state = .active
        record.agentID = agentID
        record.held = pending.reservation
        record.needsAgent = false
        record.autoCloseAtMs = nil
        recorder.emit(.answerOfferReply(offerID: offerID, stands: true))
        recorder.emit(.offerAccepted(conversationID: id, agentID: agentID))
        recorder.emit(.stateChanged(conversationID: id, from: from, to: .active, agentID: agentID))
        handOver(&record, from: previous, to: agentID, hadThrough: carried(pending, messagesThrough))
        save(record)
        noteAssignment(agentID, nowMs: nowMs)
    }

    /// The messages an accepted offer handed over: what presence says the agent had with it
    /// (what it wrote, whatever the distributor meant to carry), never more than the offer
    /// was made with.
    private func carried(_ pending: PendingOffer, _ reported: UInt64) -> UInt64 {
        min(reported, pending.messagesThrough ?? 0)
    }

    /// The offer's deadline passed without an answer: withdrawn, counted as a decline, the
    /// agent set away where the queue says so (Q1 onMissedOffer).
    mutating func expireOffer(_ record: inout ConversationRecord) {
        guard let pending = record.pending, pending.stage == .offered else { return }
        if pending.kind != .transfer {
            record.declines[pending.agentID, default: 0] += 1
            recorder.emit(.offerExpired(conversationID: record.id, agentID: pending.agentID))
        }
        abandonPending(&record, reason: .expired)
        if queues[record.queue]?.definition.onMissedOffer == .away {
            recorder.emit(.setAgentAway(agentID: pending.agentID))
        }
    }

    // MARK: giving capacity back

    /// Drops the offer in progress: withdrawn if it is out (`reason`; nil when presence
    /// already knows it did not reach the agent), its units given back; a transfer fails.
    mutating func abandonPending(_ record: inout ConversationRecord, reason: OfferWithdrawalReason?) {
        guard let pending = record.pending else { return }
        record.pending = nil
        if pending.stage == .offered, let reason {
            recorder.emit(.withdrawOffer(
                offerID: pending.offerID, agentID: pending.agentID, conversationID: record.id, reason: reason))
        }
        giveBack(pending.reservation, of: &record)
        if pending.kind == .transfer, let holder = record.agentID {
            recorder.emit(.transferFailed(conversationID: record.id, fromAgentID: holder, toAgentID: pending.agentID))
        }
    }

    /// Gives the held capacity back (D6).
    mutating func releaseHeld(_ record: inout ConversationRecord) {
        record.capacityReleaseAtMs = nil
        guard let held = record.held else { return }
        record.held = nil
        giveBack(held, of: &record)
    }

    /// Releases a reservation, remembering it until presence acknowledges (sent again after
    /// a restart). Presence dedupes: releasing twice, or one never granted, is harmless.
    ///
    /// In a command whose answer carries its releases, the release goes in the answer and
    /// nothing is remembered: presence applies it when the answer comes, and a presence that
    /// never saw the answer (it restarted) releases it when this distributor's next
    /// list of the reservations it holds does not name it (decisions §58).
    mutating func giveBack(_ reservation: Reservation, of record: inout ConversationRecord) {
        if releasesGoWithAnswer {
            recorder.answer(AnsweredRelease(reservation: reservation, conversationID: record.id))
            return
        }
        if !record.releasing.contains(where: { $0.id == reservation.id }) { record.releasing.append(reservation) }
        recorder.emit(.release(reservation, conversationID: record.id))
    }
}

extension String {
    /// The conversation id a reservation id was made from ("<conversation>#<attempt>").
    var conversationIDOfReservation: String {
        guard let hash = lastIndex(of: "#") else { return self }
        return String(self[..<hash])
    }
}
