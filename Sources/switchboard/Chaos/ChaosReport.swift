import Foundation

/// Everything one `switchboard chaos` prints: the load, the faults injected, and the findings
/// of the four checks. `--json` prints it as JSON; otherwise `text` renders it.
struct ChaosReport: Codable, Sendable {
    struct Settings: Codable, Sendable {
        var seed: UInt64
        var rate: Double
        var durationSeconds: Double
        var agents: Int
        var agentCapacity: Int
        var distributors: Int
        var queues: Int
        var pauseSeconds: ClosedRange<Double>
        var killEverySeconds: Double
        var cores: Int
    }

    /// Faults injected into one process.
    struct ProcessFaults: Codable, Sendable {
        var name: String
        var kills: Int
        /// Starts after the first (each kill should give one).
        var restarts: Int
    }

    var settings: Settings
    /// Webhooks sent, answered 2xx, never answered 2xx (after the driver's retries).
    var sent: Int
    var webhooks2xx: Int
    var webhooksFailed: Int
    var failureReasons: [String: Int]
    /// Conversations that became Active with an agent (distinct).
    var conversationsActive: Int
    var processes: [ProcessFaults]
    /// Child exits nobody asked for (not SIGKILLed by chaos).
    var unexpectedExits: Int
    var agentDisconnects: Int
    var agentReconnects: Int
    var presenceChanges: Int
    var actionOutcomes: [String: Int]
    var agentErrors: [String: Int]
    /// Seconds the drain took, and whether it ended because everything had arrived.
    var drainSeconds: Double
    var drained: Bool
    var findings: ChaosFindings
    var warnings: [String]

    var violations: Int { findings.violations }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard var object = (try? encoder.encode(self)).flatMap({ try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }) else { return "{}" }
        object["violations"] = violations
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    var text: String {
        let f = findings
        let n = BenchReport.number
        var lines = [
            "switchboard chaos: seed \(settings.seed); \(n(settings.rate))/s for \(n(settings.durationSeconds)) s; \(settings.agents) agents × capacity \(settings.agentCapacity); "
                + "\(settings.distributors) distributors, \(settings.queues) queues; pauses \(n(settings.pauseSeconds.lowerBound))–\(n(settings.pauseSeconds.upperBound)) s; \(settings.cores) cores",
            "",
            "load: \(sent) webhooks sent, \(webhooks2xx) answered 2xx, \(webhooksFailed) never; \(conversationsActive) conversations reached Active; "
                + "drain \(n(drainSeconds)) s\(drained ? "" : " (gave up waiting)")",
        ]
        for (reason, count) in failureReasons.sorted(by: { $0.key < $1.key }) { lines.append("  no 2xx: \(count) × \(reason)") }
        lines.append("faults: " + processes.map { "\($0.name) \($0.kills) killed / \($0.restarts) restarted" }.joined(separator: ", "))
        lines.append("  agents: \(agentDisconnects) disconnects, \(agentReconnects) reconnects, \(presenceChanges) presence changes; \(unexpectedExits) unexpected process exits")
        lines += [
            "",
            "1. webhooks answered 2xx: \(f.webhooksAccepted); lost \(f.lost), duplicated \(f.duplicated), Active but never reached an agent \(f.notReachedAgent),",
            "   still pending at the end in an adapter's outbox or the router's journal (not delivered to a distributor) \(f.undeliveredAtEnd)"
                + (f.drained ? "" : "  [drain incomplete: this and 'never reached an agent' may be on their way, not counted as violations]"),
            "   (still waiting for an agent at the end \(f.waitingAtEnd); stored without a 2xx \(f.storedWithout2xx); messages redelivered to an agent \(f.redeliveredMessages))",
            "2. conversations Active with two agents at once: \(f.doubleActive)",
            "3. offers: \(f.offers); above the agent's capacity \(f.overCapacityOffers); granted in a presence not allowed \(f.wrongPresenceOffers)",
            "   (offers arriving while the agent's offers and Active conversations filled its capacity \(f.offersWhileFull), made more than 1 s",
            "    after presence applied a presence not allowed \(f.offersAfterPresenceChange): such offers may have been granted earlier and arrive late)",
            "4. replies sent \(f.repliesSent), accepted \(f.repliesAccepted), delivered \(f.repliesDelivered), missing \(f.repliesMissing)\(f.drained ? "" : " [drain incomplete]"), duplicated \(f.repliesDuplicated)",
            "   (provider POSTs \(f.providerPosts), repeating an Idempotency-Key \(f.providerRepeatedPosts), SMS sent twice (Twilio has no idempotency key) \(f.repliesResentWithoutKey);",
            "    delivered without an accept \(f.deliveredWithoutAccept); bad signatures \(f.badSignatures))",
        ]
        for (outcome, count) in actionOutcomes.sorted(by: { $0.key < $1.key }) { lines.append("  agent actions: \(count) × \(outcome)") }
        for (code, count) in agentErrors.sorted(by: { $0.key < $1.key }) { lines.append("  agent errors: \(count) × \(code)") }
        for example in f.examples { lines.append("  ✗ \(example)") }
        for warning in warnings { lines.append("warning: \(warning)") }
        lines.append("")
        if violations > 0 {
            lines.append("FAILED: \(violations) violations")
        } else if !drained {
            lines.append("INCOMPLETE: not everything had arrived when the drain ended (--drain); what had not (counts 1. marked above) may still be on its way")
        } else {
            lines.append("OK: no violations")
        }
        return lines.joined(separator: "\n")
    }
}
