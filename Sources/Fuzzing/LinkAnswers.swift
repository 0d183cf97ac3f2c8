import Wire

/// Reading a service's answers on a Wire link: which input an answer is for, whether it says
/// yes, and its refusal reason without the names in it (so reasons are counted by kind).
enum LinkAnswers {
    struct Answer {
        var answered: MessageID
        /// The answer's type and outcome: "SubmitAck:accepted".
        var label: String
        var accepted: Bool
        var reason: String?
    }

    /// The answer `envelope` is, if it answers a message.
    static func answer(_ envelope: Envelope) -> Answer? {
        guard let (answered, label, accepted, reason) = parts(envelope) else { return nil }
        return Answer(answered: answered, label: label, accepted: accepted, reason: reason)
    }

    private static func parts(_ envelope: Envelope) -> (MessageID, String, Bool, String?)? {
        func outcome(_ outcome: AckOutcome) -> (String, Bool, String?) {
            switch outcome {
            case .accepted: ("accepted", true, nil)
            case .duplicate: ("duplicate", true, nil)
            case .rejected(let reason): ("rejected", false, reason)
            }
        }
        let type = envelope.type.name
        switch envelope.message {
        case .submitAck(let ack):
            let (label, accepted, reason) = outcome(ack.outcome)
            return (ack.ackedID, "\(type):\(label)", accepted, reason)
        case .ack(let ack):
            let (label, accepted, reason) = outcome(ack.outcome)
            return (ack.ackedID, "\(type):\(label)", accepted, reason)
        case .deliverAck(let ack):
            let (label, accepted, reason) = outcome(ack.outcome)
            return (ack.ackedID, "\(type):\(label)", accepted, reason)
        case .agentReplyAck(let ack):
            let (label, accepted, reason) = outcome(ack.outcome)
            return (ack.ackedID, "\(type):\(label)", accepted, reason)
        case .readyAccepted(let accepted):
            return (accepted.readyID, type, true, nil)
        case .readyRefused(let refused):
            return (refused.readyID, "\(type):\(refused.reason)", false, "\(refused.reason)")
        case .agentActionResult(let result):
            switch result.outcome {
            case .done: return (result.actionMessageID, "\(type):done", true, nil)
            case .refused(let refusal): return (result.actionMessageID, "\(type):\(refusal)", false, "\(refusal)")
            }
        default:
            return nil
        }
    }

    /// A refusal reason with the names it quotes taken out: "unknown channel instance 'x'" →
    /// "unknown channel instance".
    static func kind(of reason: String) -> String {
        let known = [
            "unknown channel instance", "has no work stream", "unknown queue", "unknown conversation", "unknown work stream",
            "does not own queue", "does not hold conversation", "is not in a queue of", "has no stored message", "offer withdrawn",
        ]
        if let match = known.first(where: { reason.contains($0) }) { return match }
        if reason.hasPrefix("channel instance"), reason.contains(", not ") { return "wrong channel type" }
        return reason.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
