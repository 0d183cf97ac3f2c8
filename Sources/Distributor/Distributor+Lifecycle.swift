import Logging
import Messaging
import Storage
import SwitchboardCore
import Wire

/// The conversation lifecycle around the core (D2–D8, W1 auto-close, R1): agents' actions
/// in, and the actions that reach presence (open work items) and the router (closes,
/// transfers to another distributor's queue).
extension Distributor {
    // MARK: agent actions (presence → distributor)

    func agentAction(_ action: AgentAction, envelope: Envelope) async {
        var logger = self.logger
        logger[metadataKey: "conversation.id"] = .string(action.conversationID)
        logger[metadataKey: "agent"] = .string(action.agentID)
        // An action is resent while its answer has not come: by presence under the same
        // message id, by a client under its own `clientActionId` (an answer lost with a
        // killed process, a dropped connection, or this distributor restarted since). Done
        // once already, it gets that answer again: applied anew it would be refused (already
        // WrapUp, already closed) or, worse, done twice (decisions §34).
        let key = Self.actionKey(action)
        guard !actionsRecording.contains(key) else { return }  // its first copy's answer comes
        if let remembered = actionAnswers[key] {
            await answerAction(remembered, to: envelope, logger: logger)
            return
        }
        // A resend of an action a run before this one did: applied anew it could succeed a
        // second time (a hold after the agent took the conversation back), so it gets its
        // stored answer, however long after the restart it comes.
        let doneByAnEarlierRun = earlierRunsActions.contains(key)
        if doneByAnEarlierRun {
            actionsRecording.insert(key)
            let answered = await answeredFromStore(key, to: envelope, logger: logger)
            actionsRecording.remove(key)
            if answered { return }
        }
        // A presence that applies the releases a result carries gets them there: no Release
        // and ReleaseAck for a close (decisions §58).
        let command = DistributionCommand(
            agentID: action.agentID, conversationID: action.conversationID, kind: Self.commandKind(action.kind),
            releasesInAnswer: action.releasesInResult)
        switch core.apply(command, nowMs: Self.nowMs()) {
        case .success(let step):
            let state = core.conversations[action.conversationID]?.state.description ?? "Closed"
            let releases = step.answeredReleases.map { Self.wireRelease($0.reservation, conversationID: $0.conversationID) }
            let result = AgentActionResult(
                actionMessageID: envelope.id, actionID: action.actionID, agentID: action.agentID,
                conversationID: action.conversationID, outcome: .done, conversationState: state, releases: releases)
            // Recorded with the step, so the answer to a resend is this one.
            var answered: [AnsweredAction] = []
            do {
                answered = [AnsweredAction(
                    key: Array(key.utf8), payload: try WireCodec.encodeStored(Envelope(id: envelope.id, message: .agentActionResult(result))))]
            } catch {
                logger.warning("cannot encode an action's answer for storage; a resend after a restart is checked anew", metadata: ["error": "\(error)"])
            }
            actionsRecording.insert(key)
            let stored = await apply(step, answeredActions: answered)
            actionsRecording.remove(key)
            guard stored else { return }  // not stored: presence resends the action
            actionAnswers.remember(result, for: key)
            logger.info("agent action done", metadata: ["action": "\(action.kind)", "state": "\(state)"])
            await answerAction(result, to: envelope, logger: logger)
        case .failure(let error):
            // Refused now, but perhaps done by this run so long ago that memory has let its
            // answer go while the store still keeps it. Looked up only here, where such a
            // resend lands (already WrapUp, already closed): nothing has changed yet.
            if !doneByAnEarlierRun, await answeredFromStore(key, to: envelope, logger: logger) { return }
            logger.info("agent action refused", metadata: ["action": "\(action.kind)", "reason": "\(error.message)"])
            let result = AgentActionResult(
                actionMessageID: envelope.id, actionID: action.actionID, agentID: action.agentID,
                conversationID: action.conversationID, outcome: .refused(Self.refusal(error.code)), detail: error.message,
                conversationState: core.conversations[action.conversationID]?.state.description)
            await answerAction(result, to: envelope, logger: logger)
        }
    }

    /// What identifies an action across resends: presence's action id (its message id, or
    /// the client's `clientActionId`, marked) within the agent's own actions, for the same
    /// conversation and kind, so a client id reused for another action is a new action.
    static func actionKey(_ action: AgentAction) -> String {
        [action.agentID, action.actionID, action.conversationID, action.kind.keyText].joined(separator: "\u{1F}")
    }

    /// Answers `envelope` with the answer a run before stored for the action, if there is
    /// one. True when the action is dealt with: answered, or not answered at all because the
    /// store could not be read (presence resends it).
    private func answeredFromStore(_ key: String, to envelope: Envelope, logger: Logger) async -> Bool {
        do {
            guard let answered = try await store.answeredAction(key: Array(key.utf8)) else { return false }
            guard case .agentActionResult(let result) = try WireCodec.decodeStored(answered.payload).message else {
                logger.error("a stored action answer is not an AgentActionResult; the action is checked anew")
                return false
            }
            actionAnswers.remember(result, for: key)
            await answerAction(result, to: envelope, logger: logger)
        } catch {
            logger.error("cannot read the answered actions; action not answered", metadata: ["error": "\(error)"])
        }
        return true
    }

    /// Sends `result` as the answer to `envelope`: a resend under another message id (a
    /// client's, through a new presence message) is matched by presence on this one.
    private func answerAction(_ result: AgentActionResult, to envelope: Envelope, logger: Logger) async {
        var result = result
        result.actionMessageID = envelope.id
        do {
            try await presenceLink.send(Envelope(id: ids.next(), message: .agentActionResult(result)))
        } catch {
            logger.warning("cannot answer an agent action; presence resends it", metadata: ["error": "\(error)"])
        }
    }

    /// An agent writing to a conversation they left Waiting takes it back (D5 Waiting → Active).
    func resumeIfWaiting(conversationID: String, agentID: String) async {
        guard let record = core.conversations[conversationID], record.state == .waiting, record.agentID == agentID else { return }
        if case .success(let step) = core.apply(
            DistributionCommand(agentID: agentID, conversationID: conversationID, kind: .resume), nowMs: Self.nowMs())
        {
            _ = await apply(step)
        }
    }

    static func commandKind(_ kind: AgentAction.Kind) -> DistributionCommand.Kind {
        switch kind {
        case .pick: .pick
        case .release: .release
        case .hold: .hold
        case .wrapUp: .wrapUp
        case .close: .close
        case .transferToQueue(let queue): .transferToQueue(queue)
        case .transferToAgent(let agent): .transferToAgent(agent)
        }
    }

    static func refusal(_ code: DistributionError.Code) -> AgentActionRefusal {
        switch code {
        case .alreadyTaken: .alreadyTaken
        case .notAllowed: .notAllowed
        case .invalidTransition: .invalidState
        case .unknownConversation: .unknownConversation
        case .unknownTarget, .unknownQueue, .unknownWorkStream: .unknownTarget
        default: .unspecified
        }
    }

    // MARK: actions to presence and the router

    /// The lifecycle actions of a stored step (the rest are in `perform`).
    func performLifecycle(_ action: DistributionAction) async throws {
        switch action {
        case let .workItemAdded(queue, conversationID):
            let item = await workItem(conversationID, queue: queue)
            try await presenceLink.sendReliably(Envelope(id: ids.next(), message: .workItems(WorkItems(queue: queue, added: [item]))))
        case let .workItemRemoved(queue, conversationID):
            try await presenceLink.sendReliably(
                Envelope(id: ids.next(), message: .workItems(WorkItems(queue: queue, removed: [conversationID]))))
        case .conversationClosed(let conversationID):
            let queue = core.conversations[conversationID]?.queue ?? ""
            metrics.closed.increment()
            logger.info("conversation closed", metadata: ["conversation.id": "\(conversationID)"])
            let closed = Envelope(
                id: ids.next(), message: .conversationClosed(ConversationClosed(conversationID: conversationID, queue: queue, closedAtMs: Self.nowMs())))
            departuresSent[closed.id] = conversationID
            try await routerLink.sendReliably(closed)
        case let .transferOut(conversationID, toQueue):
            logger.info("conversation transferred to another distributor's queue", metadata: ["conversation.id": "\(conversationID)", "queue": "\(toQueue)"])
            let transfer = Envelope(id: ids.next(), message: .conversationTransferred(ConversationTransferred(conversationID: conversationID, toQueue: toQueue)))
            departuresSent[transfer.id] = conversationID
            try await routerLink.sendReliably(transfer)
        case .setAgentAway(let agentID):
            // Presence sets the agent away itself when it relays the expired offer's withdrawal.
            logger.debug("missed offer: presence sets the agent away", metadata: ["agent": "\(agentID)"])
        case let .stateChanged(conversationID, from, to, agentID):
            logger.info(
                "conversation state changed",
                metadata: ["conversation.id": "\(conversationID)", "from": "\(from)", "to": "\(to)", "agent": "\(agentID ?? "")"])
        case let .overCapacity(conversationID, agentID, reason):
            metrics.overCapacity.increment()
            logger.info("agent above capacity", metadata: ["conversation.id": "\(conversationID)", "agent": "\(agentID)", "reason": "\(reason)"])
        case let .transferCompleted(conversationID, from, to):
            logger.info("transfer to an agent done", metadata: ["conversation.id": "\(conversationID)", "from": "\(from)", "to": "\(to)"])
        case let .transferFailed(conversationID, from, to):
            logger.info("transfer to an agent failed; the agent keeps it", metadata: ["conversation.id": "\(conversationID)", "from": "\(from)", "to": "\(to)"])
        default:
            break
        }
    }

    /// The reservations held in each owned queue, so presence (restarted, or seeing this
    /// distributor for the first time) releases those whose release travelled in a result
    /// it never applied (decisions §58). Sent once, not resent: a resend arriving after a
    /// later Reserve would release that reservation. One lost goes with the connection, and
    /// the connection's return sends them again.
    func sendHeldReservations() async {
        let held = core.heldReservationIDs()
        for queue in settings.queues {
            let listing = WorkItems(queue: queue, heldReservationIDs: held[queue] ?? [])
            do {
                try await presenceLink.send(Envelope(id: ids.next(), message: .workItems(listing)))
            } catch {
                logger.warning("cannot send the reservations held to presence", metadata: ["queue": "\(queue)", "error": "\(error)"])
            }
        }
    }

    /// Every owned queue's full list of open work items, so presence (restarted, or seeing
    /// this distributor for the first time) holds the truth.
    func sendWorkItemSnapshots() async {
        for queue in settings.queues {
            var items: [WorkItem] = []
            for open in core.openWorkItems(inQueue: queue) {
                items.append(await workItem(open.conversationID, queue: queue))
            }
            do {
                try await presenceLink.sendReliably(
                    Envelope(id: ids.next(), message: .workItems(WorkItems(queue: queue, snapshot: true, added: items))))
            } catch {
                logger.warning("cannot send open work items to presence", metadata: ["queue": "\(queue)", "error": "\(error)"])
            }
        }
    }

    /// A work item for presence: the record's place and the conversation's first message's
    /// channel, customer and context.
    private func workItem(_ conversationID: String, queue: String) async -> WorkItem {
        let record = core.conversations[conversationID]
        var item = WorkItem(
            conversationID: conversationID, queue: queue, workStream: record?.workStream ?? "",
            waitingSinceMs: record?.arrivedAtMs ?? 0)
        if let first = try? await store.firstDelivery(conversationID: conversationID),
            case .deliver(let deliver)? = try? WireCodec.decodeStored(first.payload).message
        {
            item.channelType = deliver.message.channelType
            item.summary = deliver.context
            item.customerDisplayName = deliver.message.customerDisplayName
        }
        return item
    }
}

extension AgentAction.Kind {
    /// The kind in an action's key, as `String(describing:)` writes it: keys are stored
    /// (answered actions survive a restart), so the text must not change. Spelled out for the
    /// kinds every conversation goes through, because `String(describing:)` of an enum asks
    /// the runtime's reflection for the case name: 2 % of a distributor's CPU under load.
    var keyText: String {
        switch self {
        case .pick: "pick"
        case .release: "release"
        case .hold: "hold"
        case .wrapUp: "wrapUp"
        case .close: "close"
        case .transferToQueue, .transferToAgent: String(describing: self)
        }
    }
}
