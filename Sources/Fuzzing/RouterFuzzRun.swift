import Foundation
import Messaging
import SwitchboardCore
import Wire

/// One run of the `router` target: batches of inputs, each followed by a control round and
/// the checks of `RouterFuzzTarget`.
struct RouterFuzzRun: InProcessFuzzRun {
    let system: RouterFuzzSystem
    let seed: UInt64
    let target: String
    var tally: FuzzTally
    private var known: KnownValues
    private var inputs: RouterFuzzInputs
    private var random: SplitMix64
    private let ids: MessageIDGenerator
    private var journaled = 0
    /// Chat replies relayed to the adapter whose AgentReplyAck has not come back yet.
    private var repliesOwed: [MessageID: String] = [:]
    private var submitIDs: [MessageID] = []

    init(system: RouterFuzzSystem, seed: UInt64, target: String) {
        self.system = system
        self.seed = seed
        self.target = target
        tally = FuzzTally(target: target, seed: seed)
        known = RouterFuzzInputs.known(system.configuration)
        inputs = RouterFuzzInputs(configuration: system.configuration)
        random = SplitMix64(seed: seed)
        ids = MessageIDGenerator(prefix: seed)
    }

    mutating func fuzz(iterations: Int) async {
        var batch = 0
        guard await control(batch: batch) else { return }
        while tally.inputs < iterations {
            batch += 1
            var sent: [SentInput] = []
            for _ in 0..<min(RouterFuzzTarget.batchSize, iterations - tally.inputs) {
                sent.append(await send())
            }
            guard await control(batch: batch) else { return }
            await check(sent)
        }
    }

    // MARK: inputs

    private mutating func send() async -> SentInput {
        tally.inputs += 1
        let number = tally.inputs
        let (role, message, how) = inputs.make(known, &random)
        let repeated = message.type == .submit && !submitIDs.isEmpty && random.chance(1, in: 20)
        let id = repeated ? random.pick(submitIDs) : ids.next()
        var sent = Self.expectation(role, message, system.configuration)
        sent.id = id
        sent.label = "\(message.type.name) \(how)\(repeated ? " (repeated id)" : "") from \(role.routingID)"
        sent.replay = "replay: switchboard fuzz --target \(target) --seed \(seed) --iterations \(number)"
        let frames: [[UInt8]]
        do throws(WireError) {
            frames = try WireCodec.encode(Envelope(id: id, message: message))
        } catch {
            sent.answered = false
            sent.dropped = "unencodable:\(error.code.rawValue)"
            return sent
        }
        do throws(WireError) {
            // What the router's link does first: a message that does not decode is dropped there.
            _ = try WireCodec.decode(frames: frames)
        } catch {
            (sent.answered, sent.mustAccept, sent.dropped) = (false, nil, "wire:\(error.code.rawValue)")
            return await transmit(sent, frames: frames, role: role)
        }
        known.add(id)
        if message.type == .submit {
            submitIDs.append(id)
            if submitIDs.count > KnownValues.limit { submitIDs.removeFirst() }
        }
        if case .agentReply(let reply) = message, sent.answered == false, sent.dropped == nil, reply.channelType == "chat" {
            repliesOwed[id] = sent.replay
        }
        return await transmit(sent, frames: frames, role: role)
    }

    private mutating func transmit(_ sent: SentInput, frames: [[UInt8]], role: RouterPeerRole) async -> SentInput {
        LastInput.record(target, tally.inputs - 1, sent.label, body: frames.last ?? [])
        do {
            try await system.peer(role).send(frames: frames)
        } catch {
            tally.crashes += 1
            tally.find("\(sent.label) could not be sent: \(error) (\(sent.replay))")
        }
        return sent
    }

    /// What the router owes `message` from `role` (wire.md 5.1–5.3).
    static func expectation(_ role: RouterPeerRole, _ message: WireMessage, _ configuration: SwitchboardConfiguration) -> SentInput {
        var sent = SentInput(id: WireSamples.idA, label: "", answered: false, replay: "")
        func known(_ channel: String, _ type: String) -> Bool { configuration.channel(id: channel)?.type.rawValue == type }
        switch (role.isDistributor, message) {
        case (false, .submit(let submit)):
            sent.answered = true
            sent.mustAccept = known(submit.message.channelInstanceID, submit.message.channelType)
        case (false, .agentReplyAck), (false, .disconnect), (true, .deliverAck), (true, .disconnect):
            break
        case (true, .ready):
            sent.answered = true
        case (true, .conversationClosed), (true, .conversationTransferred):
            sent.answered = true
            sent.answeredIfRegistered = true
        case (true, .agentReply(let reply)):
            // Refused at once, or relayed to the adapter of its type: only `ingress-chat` is here.
            if !known(reply.channelInstanceID, reply.channelType) {
                sent.answered = true
            } else if reply.channelType != "chat" {
                sent.dropped = "relayed to an absent adapter"
            }
        case (false, _):
            sent.dropped = "unexpected on the ingress link"
        case (true, _):
            sent.dropped = "unexpected on the distributor link"
        }
        return sent
    }

    // MARK: control round

    /// Every distributor peer leaves (so no registration a mutated Ready made stays) and
    /// re-registers, then a fresh Submit must be accepted and delivered to `distributor-1`.
    /// Each step waits for its answer, which also makes sure the batch before was handled:
    /// a Ready for a queue no configuration has, which an unregistered peer is answered too
    /// (ReadyRefused).
    private mutating func control(batch: Int) async -> Bool {
        let wait = RouterFuzzTarget.answerWait
        for role in [RouterPeerRole.rogue, .distributor2, .distributor1] {
            let peer = system.peer(role)
            let id = ids.next()
            do {
                try await peer.send(.disconnect(Disconnect(sender: role.routingID, reason: .shutdown)))
                try await peer.send(.ready(Ready(distributor: role.routingID, queues: ["control-no-such-queue"])), id: id)
            } catch {
                return unresponsive("\(role.routingID) cannot send: \(error)", batch: batch)
            }
            guard await peer.next(within: wait, { $0.message.answeredID == id && $0.type == .readyRefused ? true : nil }) != nil else {
                return unresponsive("no ReadyRefused to \(role.routingID)'s Ready for an unknown queue", batch: batch)
            }
        }
        for (role, queue) in [(RouterPeerRole.distributor1, "fuzz"), (.distributor2, "fuzz-transfer")] {
            let id = ids.next()
            do {
                try await system.peer(role).send(.ready(Ready(distributor: role.routingID, queues: [queue])), id: id)
            } catch {
                return unresponsive("\(role.routingID) cannot send: \(error)", batch: batch)
            }
            guard await system.peer(role).next(within: wait, { $0.message.answeredID == id && $0.type == .readyAccepted ? true : nil }) != nil else {
                return unresponsive("\(role.routingID)'s Ready for \(queue) was not accepted", batch: batch)
            }
        }
        let id = ids.next()
        do {
            try await system.ingress.send(inputs.submit(RouterFuzzInputs.controlChannel(system.configuration), customer: "control-\(batch)", &random), id: id)
        } catch {
            return unresponsive("ingress-chat cannot send: \(error)", batch: batch)
        }
        let conversation = await system.ingress.next(within: wait) { envelope -> String? in
            guard case .submitAck(let ack) = envelope.message, ack.ackedID == id, ack.outcome == .accepted else { return nil }
            return ack.conversationID
        }
        guard let conversation else { return unresponsive("a valid Submit was not accepted", batch: batch) }
        controlAccepted += 1
        guard await system.distributor1.next(within: wait, { $0.deliveredConversation == conversation ? true : nil }) != nil else {
            return unresponsive("the accepted Submit's Deliver did not reach distributor-1", batch: batch)
        }
        return true
    }

    private var controlAccepted = 0

    private mutating func unresponsive(_ what: String, batch: Int) -> Bool {
        tally.crashes += 1
        let inputs = tally.inputs
        tally.find("the router stopped answering after batch \(batch): \(what); the service was \(system.host.state) (replay: switchboard fuzz --target \(target) --seed \(seed) --iterations \(inputs))")
        return false
    }

    // MARK: checks

    private mutating func check(_ sent: [SentInput]) async {
        var answers: [MessageID: [LinkAnswers.Answer]] = [:]
        for role in RouterPeerRole.allCases {
            for envelope in await system.peer(role).drain() {
                learn(from: envelope)
                guard let answer = LinkAnswers.answer(envelope) else {
                    tally.answer(envelope.type.name)
                    continue
                }
                if repliesOwed.removeValue(forKey: answer.answered) != nil {
                    tally.answer(answer.label)
                    continue
                }
                answers[answer.answered, default: []].append(answer)
            }
        }
        var acceptedSubmits = controlAccepted
        controlAccepted = 0
        var tally = self.tally
        SentInput.check(sent, answers: answers, into: &tally) { _, answer in
            if answer.label == "SubmitAck:accepted" { acceptedSubmits += 1 }
            return nil
        }
        self.tally = tally
        await reconcileJournal(acceptedSubmits: acceptedSubmits, replay: sent.last?.replay ?? "")
    }

    /// The journal grew by exactly the Submits answered `accepted`.
    private mutating func reconcileJournal(acceptedSubmits: Int, replay: String) async {
        let count: Int
        do {
            count = try await system.journal.inboundMessageCount()
        } catch {
            tally.crashes += 1
            tally.find("the journal cannot be read: \(error)")
            return
        }
        let added = count - journaled
        journaled = count
        if added > acceptedSubmits {
            tally.storedUnsigned += added - acceptedSubmits
            tally.find("the journal took \(added) messages for \(acceptedSubmits) accepted Submits (\(replay))")
        } else if added < acceptedSubmits {
            tally.violations += 1
            tally.find("\(acceptedSubmits) Submits were accepted but \(added) journaled (\(replay))")
        }
        tally.storedSigned += min(added, acceptedSubmits)
    }

    private mutating func learn(from envelope: Envelope) {
        switch envelope.message {
        case .submitAck(let ack):
            if let conversation = ack.conversationID { known.add(conversation, as: .conversation) }
        case .deliver(let deliver):
            known.add(envelope.id)
            known.add(deliver.conversationID, as: .conversation)
        default:
            break
        }
    }

    // MARK: end

    /// Every relayed chat reply is answered, and every delivery acknowledged: both owners are
    /// alive and registered and ack everything they get.
    mutating func finish() async {
        guard tally.crashes == 0 else { return }
        let deadline = ContinuousClock.now.advanced(by: RouterFuzzTarget.answerWait)
        var pending = -1
        while ContinuousClock.now < deadline {
            for role in RouterPeerRole.allCases {
                for envelope in await system.peer(role).drain() {
                    if let answer = LinkAnswers.answer(envelope), repliesOwed.removeValue(forKey: answer.answered) != nil {
                        tally.answer(answer.label)
                    }
                }
            }
            pending = (try? await system.journal.pendingDeliveryCount()) ?? -1
            if repliesOwed.isEmpty && pending == 0 { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
        if !repliesOwed.isEmpty {
            tally.violations += 1
            tally.find("\(repliesOwed.count) chat replies relayed to ingress-chat never got their AgentReplyAck back, e.g. \(repliesOwed.values.first ?? "")")
        }
        if pending != 0 {
            tally.violations += 1
            tally.find("\(pending) deliveries still pending with both queue owners registered and acking")
        }
    }
}

extension Envelope {
    var deliveredConversation: String? {
        if case .deliver(let deliver) = message { deliver.conversationID } else { nil }
    }
}
