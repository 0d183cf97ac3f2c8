import Wire

/// One message the fuzzer sent a service in process, and what the service owes it.
struct SentInput {
    var id: MessageID
    var label: String
    /// Exactly one answer per copy (SubmitAck, Ack, ReadyAccepted/Refused, DeliverAck, …).
    var answered: Bool
    /// Whether the service must take it (true) or refuse it (false), when the fuzzer can tell:
    /// a Submit for a configured channel, a Deliver for a queue the distributor owns.
    var mustAccept: Bool?
    /// Why the service is expected to drop it unanswered, when it is.
    var dropped: String?
    /// Answered only if its sender is registered at the time (the router's rule for what
    /// changes its journal, decisions §31). The fuzzer cannot tell: fuzzed Disconnects and
    /// Readys change registrations between control rounds, and peers' messages are not
    /// ordered among each other. Such an input may get its one answer or none.
    var answeredIfRegistered = false
    var replay: String

    init(id: MessageID = WireSamples.idA, label: String = "", answered: Bool = false, replay: String = "") {
        self.id = id
        self.label = label
        self.answered = answered
        self.replay = replay
    }

    /// Matches a batch's answers to its inputs: exactly one per copy of an input that takes
    /// one, none for the others, none for ids nobody sent; as many refusals among an id's
    /// answers as its copies that must be refused (copies of one id may be answered in
    /// another order than sent). Counts each answer and refusal reason; `each` sees every answer with its input for the target's own checks and returns
    /// what it found wrong (each a violation).
    static func check(
        _ sent: [SentInput], answers: [MessageID: [LinkAnswers.Answer]], into tally: inout FuzzTally,
        each: (SentInput, LinkAnswers.Answer) -> String?
    ) {
        var answers = answers
        var copies: [MessageID: Int] = [:]
        for input in sent { copies[input.id, default: 0] += 1 }
        for input in sent {
            if let dropped = input.dropped { tally.reject(dropped) }
            // Checked once per id: its copies together.
            guard let count = copies.removeValue(forKey: input.id) else { continue }
            let got = answers.removeValue(forKey: input.id) ?? []
            if got.isEmpty { tally.answer("none") }
            let group = sent.filter { $0.id == input.id && $0.answered }
            let expected = group.count
            let fewest = expected - group.filter(\.answeredIfRegistered).count
            if got.count > expected || got.count < fewest {
                tally.violations += 1
                let range = fewest == expected ? "\(expected)" : "\(fewest)–\(expected)"
                tally.find("\(input.label) got \(got.count) answers, \(range) expected: \(got.map(\.label)) (\(input.replay))")
            }
            let mustRefuse = group.filter { $0.mustAccept == false }.count
            let refused = got.filter { !$0.accepted }.count
            if got.count == expected, group.allSatisfy({ $0.mustAccept != nil }), refused != mustRefuse {
                tally.violations += 1
                tally.find("\(input.label)\(count > 1 ? " and \(count - 1) other copies" : ""): \(refused) refused, \(mustRefuse) expected: \(got.map { $0.reason ?? $0.label }) (\(input.replay))")
            }
            for answer in got {
                tally.answer(answer.label)
                if answer.accepted { tally.accepted += 1 } else { tally.reject(LinkAnswers.kind(of: answer.reason ?? "rejected")) }
                if let wrong = each(input, answer) {
                    tally.violations += 1
                    tally.find(wrong)
                }
            }
        }
        for (id, stray) in answers {
            tally.violations += 1
            tally.find("answers to no input sent: \(stray.map(\.label)) for \(id)")
        }
    }
}
