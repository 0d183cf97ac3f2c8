import Foundation
import Logging
import Messaging
import SwitchboardCore
import Wire

/// The distributor's handling of messages that decode (wire.md 5.2–5.6): `distributor-1` in
/// process over a real queue state store (`DistributorFuzzSystem`). Inputs: Delivers (new
/// conversations, follow-ups of known ones, for queues it does not own, with mutated
/// fields), the router's other messages, presence's grants, denies, acks, offer replies,
/// agent replies, agent actions, snapshots and release acks built from what the distributor
/// sent (its reservations, offers, conversations), the same with fields mutated, agent
/// updates on the publisher, and any other type on each link.
///
/// Oracle, after each batch (decisions §20): every Deliver, OfferReply and AgentAction got
/// exactly one answer, no other input got one; a Deliver is refused exactly when its queue is
/// not owned or its work stream unknown, and is in the store exactly when it was taken; every
/// agent reply passed to the router carries the channel instance and customer of a message
/// of that conversation (G5: never another customer's); and the distributor still answers a
/// control round (a fresh Deliver accepted and stored, an agent action answered). At the end
/// every agent reply got its AgentReplyAck back to presence.
struct DistributorFuzzTarget: FuzzTarget {
    let name = "distributor"
    let about = "a distributor in process over a real queue state store: Delivers, presence's answers, offer replies, agent replies and actions, agent updates; valid, field-mutated, unknown ids, wrong link"

    static let batchSize = 100
    static let answerWait: Duration = .seconds(10)

    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        try await DistributorFuzzRun.run(target: name, seed: seed, iterations: iterations, logger: logger)
    }
}

struct DistributorFuzzRun: InProcessFuzzRun {
    let system: DistributorFuzzSystem
    let seed: UInt64
    let target: String
    var tally: FuzzTally
    private var known: KnownValues
    private var inputs = DistributorFuzzInputs()
    private var random: SplitMix64
    private let ids: MessageIDGenerator
    private var deliverIDs: [MessageID] = []
    /// Deliver ids the distributor took, and each conversation's (channel instance, customer)s.
    private var taken: Set<MessageID> = []
    private var customers: [String: Set<[String]>] = [:]
    /// Agent replies whose AgentReplyAck presence has not had yet; those it had.
    private var repliesOwed: [MessageID: String] = [:]
    private var repliesAnswered: Set<MessageID> = []
    /// AgentReplyAcks sent as the router, which the distributor passes on to presence as they are.
    private var acksPassedOn: [MessageID: Int] = [:]
    /// Replies the router got in this batch, checked once the batch's Delivers are counted.
    private var repliesToCheck: [AgentReply] = []

    init(system: DistributorFuzzSystem, seed: UInt64, target: String) {
        self.system = system
        self.seed = seed
        self.target = target
        tally = FuzzTally(target: target, seed: seed)
        known = DistributorFuzzInputs.known(system.configuration)
        random = SplitMix64(seed: seed)
        ids = MessageIDGenerator(prefix: seed)
    }

    mutating func fuzz(iterations: Int) async {
        var batch = 0
        guard await control(batch: batch) else { return }
        while tally.inputs < iterations {
            batch += 1
            var sent: [(SentInput, WireMessage)] = []
            for _ in 0..<min(DistributorFuzzTarget.batchSize, iterations - tally.inputs) {
                sent.append(await send())
            }
            guard await control(batch: batch) else { return }
            await check(sent)
        }
    }

    // MARK: inputs

    private mutating func send() async -> (SentInput, WireMessage) {
        tally.inputs += 1
        let (role, message, how) = inputs.make(known, &random)
        let repeated = message.type == .deliver && !deliverIDs.isEmpty && random.chance(1, in: 20)
        let id = repeated ? random.pick(deliverIDs) : ids.next()
        var sent = Self.expectation(role, message, system.configuration)
        sent.id = id
        sent.label = "\(message.type.name) \(how)\(repeated ? " (repeated id)" : "") from \(role.rawValue)"
        sent.replay = "replay: switchboard fuzz --target \(target) --seed \(seed) --iterations \(tally.inputs)"
        let envelope = Envelope(id: id, message: message)
        let frames: [[UInt8]]
        do throws(WireError) {
            frames = role == .publisher ? try WireCodec.encodePublished(envelope) : try WireCodec.encode(envelope)
        } catch {
            (sent.answered, sent.mustAccept, sent.dropped) = (false, nil, "unencodable:\(error.code.rawValue)")
            return (sent, message)
        }
        do throws(WireError) {
            // What the distributor's link does first: a message that does not decode is dropped there.
            _ = role == .publisher ? try WireCodec.decodePublished(frames: frames) : try WireCodec.decode(frames: frames)
        } catch {
            (sent.answered, sent.mustAccept, sent.dropped) = (false, nil, "wire:\(error.code.rawValue)")
            await transmit(sent, frames: frames, role: role)
            return (sent, message)
        }
        known.add(id)
        if case .deliver(let deliver) = message {
            known.add(deliver.conversationID, as: .conversation)
            deliverIDs.append(id)
            if deliverIDs.count > KnownValues.limit { deliverIDs.removeFirst() }
        }
        if role == .presence, case .agentReply = message { repliesOwed[id] = "\(sent.label) \(message) (\(sent.replay))" }
        if role == .router, case .agentReplyAck(let ack) = message { acksPassedOn[ack.ackedID, default: 0] += 1 }
        await transmit(sent, frames: frames, role: role)
        return (sent, message)
    }

    private mutating func transmit(_ sent: SentInput, frames: [[UInt8]], role: DistributorPeerRole) async {
        LastInput.record(target, tally.inputs - 1, sent.label, body: frames.last ?? [])
        do {
            switch role {
            case .router: try await system.router.send(frames: frames)
            case .presence: try await system.presence.send(frames: frames)
            case .publisher: try await system.publisher.send(.init(frames))
            }
        } catch {
            tally.crashes += 1
            tally.find("\(sent.label) could not be sent: \(error) (\(sent.replay))")
        }
    }

    /// What the distributor owes `message` from `role` (wire.md 5.2–5.6).
    static func expectation(_ role: DistributorPeerRole, _ message: WireMessage, _ configuration: SwitchboardConfiguration) -> SentInput {
        var sent = SentInput()
        switch (role, message) {
        case (.router, .deliver(let deliver)):
            sent.answered = true
            sent.mustAccept = deliver.queue == "fuzz" && configuration.workStream(named: deliver.workStream) != nil
        case (.router, .readyAccepted), (.router, .agentReplyAck), (.router, .ack), (.router, .disconnect):
            break
        case (.presence, .agentAction), (.presence, .offerReply):
            sent.answered = true
        case (.presence, .agentReply):
            break  // answered in time (refused at once, or after the router's ack): checked at the end
        case (.presence, .grant), (.presence, .deny), (.presence, .ack), (.presence, .snapshotReply), (.presence, .releaseAck),
            (.presence, .disconnect), (.publisher, .agentUpdate), (.publisher, .heartbeat):
            break
        case (.router, _): sent.dropped = "unexpected from the router"
        case (.presence, _): sent.dropped = "unexpected from presence"
        case (.publisher, _): sent.dropped = "ignored on the update link"
        }
        return sent
    }

    // MARK: control round

    /// A fresh Deliver is accepted and stored; an agent action (of a conversation that does
    /// not exist) is answered. Each also makes sure its link's batch was handled.
    private mutating func control(batch: Int) async -> Bool {
        let wait = DistributorFuzzTarget.answerWait
        let deliver = inputs.deliver(conversation: "control-\(batch)", &random)
        let id = ids.next()
        do {
            // The distributor's first message (its Ready) tells the fake router where it is.
            let deadline = ContinuousClock.now.advanced(by: wait)
            while try await !system.router.send(deliver, id: id) {
                guard ContinuousClock.now < deadline else { return unresponsive("the distributor never said Ready", batch: batch) }
                try await Task.sleep(for: .milliseconds(5))
            }
        } catch {
            return unresponsive("cannot send the control Deliver: \(error)", batch: batch)
        }
        guard await system.router.next(within: wait, { $0.message.answeredID == id && $0.type == .deliverAck ? $0 : nil }) != nil else {
            return unresponsive("a valid Deliver got no DeliverAck", batch: batch)
        }
        guard (try? await system.store.delivery(messageID: id.bytes)) != nil else {
            return unresponsive("a valid Deliver was acknowledged but is not in the store", batch: batch)
        }
        let actionID = ids.next()
        do {
            let action = AgentAction(actionID: "control-\(batch)", agentID: "fuzzer", conversationID: "control-none", kind: .pick)
            try await system.presence.send(.agentAction(action), id: actionID)
        } catch {
            return unresponsive("cannot send the control action: \(error)", batch: batch)
        }
        guard await system.presence.next(within: wait, { $0.message.answeredID == actionID ? true : nil }) != nil else {
            return unresponsive("an agent action got no AgentActionResult", batch: batch)
        }
        return true
    }

    private mutating func unresponsive(_ what: String, batch: Int) -> Bool {
        tally.crashes += 1
        let inputs = tally.inputs
        tally.find("the distributor stopped answering after batch \(batch): \(what); the service was \(system.host.state) (replay: switchboard fuzz --target \(target) --seed \(seed) --iterations \(inputs))")
        return false
    }

    // MARK: checks

    private mutating func check(_ batch: [(SentInput, WireMessage)]) async {
        var answers: [MessageID: [LinkAnswers.Answer]] = [:]
        for peer in [system.router, system.presence] {
            for envelope in await peer.drain() {
                learn(from: envelope)
                guard let answer = LinkAnswers.answer(envelope) else {
                    tally.answer(envelope.type.name)
                    continue
                }
                if answered(reply: answer) { continue }
                answers[answer.answered, default: []].append(answer)
            }
        }
        var messages: [MessageID: [WireMessage]] = [:]
        for (input, message) in batch { messages[input.id, default: []].append(message) }
        var stored: [(SentInput, Bool)] = []
        var (taken, customers) = (self.taken, self.customers)
        var tally = self.tally
        SentInput.check(batch.map(\.0), answers: answers, into: &tally) { input, answer in
            let delivers = (messages[input.id] ?? []).compactMap { if case .deliver(let deliver) = $0 { deliver } else { nil } }
            guard !delivers.isEmpty else { return nil }
            if answer.label == "DeliverAck:accepted" {
                taken.insert(input.id)
                for deliver in delivers {
                    customers[deliver.conversationID, default: []].insert([deliver.message.channelInstanceID, deliver.message.customerAddress])
                }
            }
            stored.append((input, answer.accepted))
            return nil
        }
        (self.taken, self.customers) = (taken, customers)
        for (input, accepted) in stored {
            let inStore = (try? await system.store.delivery(messageID: input.id.bytes)) != nil
            if accepted != inStore && !(inStore && taken.contains(input.id)) {
                if inStore { tally.storedUnsigned += 1 } else { tally.violations += 1 }
                tally.find("\(input.label) answered \(accepted ? "accepted" : "refused") is \(inStore ? "" : "not ")in the store (\(input.replay))")
            } else if accepted && inStore {
                tally.storedSigned += 1
            }
        }
        self.tally = tally
        // G5: only ever to a customer of that conversation, on that conversation's channel.
        for reply in repliesToCheck where self.customers[reply.conversationID]?.contains([reply.channelInstanceID, reply.customerAddress]) != true {
            self.tally.violations += 1
            self.tally.find("an agent reply for \(reply.conversationID) went to \(reply.channelInstanceID)/\(reply.customerAddress), not a customer of it")
        }
        repliesToCheck.removeAll()
    }

    /// An AgentReplyAck presence was owed (or a repeat of one: the router's link may resend).
    private mutating func answered(reply answer: LinkAnswers.Answer) -> Bool {
        guard answer.label.hasPrefix(MessageType.agentReplyAck.name) else { return false }
        if let count = acksPassedOn[answer.answered] {
            acksPassedOn[answer.answered] = count > 1 ? count - 1 : nil
            tally.answer("\(answer.label) passed on")
            return true
        }
        if repliesOwed.removeValue(forKey: answer.answered) != nil || repliesAnswered.contains(answer.answered) {
            repliesAnswered.insert(answer.answered)
            tally.answer(answer.label)
            return true
        }
        return false
    }

    private mutating func learn(from envelope: Envelope) {
        switch envelope.message {
        case .reserve(let reserve):
            known.add(envelope.id)
            known.add(reserve.reservationID, as: .reservation)
        case .offer(let offer):
            known.add(envelope.id)
            known.add(offer.offerID, as: .offer)
        case .conversationMessage, .release, .workItems, .offerWithdrawn, .snapshotRequest:
            known.add(envelope.id)
        case .agentReply(let reply):
            repliesToCheck.append(reply)
        default:
            break
        }
    }

    // MARK: end

    mutating func finish() async {
        guard tally.crashes == 0 else { return }
        let deadline = ContinuousClock.now.advanced(by: DistributorFuzzTarget.answerWait)
        while ContinuousClock.now < deadline, !repliesOwed.isEmpty {
            for envelope in await system.presence.drain() {
                if let answer = LinkAnswers.answer(envelope) { _ = answered(reply: answer) }
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        if !repliesOwed.isEmpty {
            tally.violations += 1
            tally.find("\(repliesOwed.count) agent replies never got an AgentReplyAck, e.g. \(repliesOwed.values.first ?? "")")
        }
    }
}
