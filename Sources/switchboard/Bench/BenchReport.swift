import Foundation
import SwitchboardCore

/// Everything one `switchboard bench` prints: each run's figures, the baseline and the
/// ratio between them. `--json` prints it as JSON; otherwise `text` renders it.
struct BenchReport: Codable, Sendable {
    struct Settings: Codable, Sendable {
        var agents: Int
        var agentCapacity: Int
        var queues: Int
        var workStreams: Int
        var rules: Int
        var distributors: Int
        /// Conversations per second offered; nil: as fast as possible (bounded by maxInFlight).
        var rate: Double?
        var warmupSeconds: Double
        var durationSeconds: Double
        var maxInFlight: Int
        var connections: Int
        var thinkTimeMs: Double
        /// nil: agents keep their conversations.
        var handleTimeMs: Double?
        var cores: Int
        /// Runs of each entry and of the baseline (`--repeat`).
        var repeats: Int = 1
        /// `system.cpuScheduling` of the system's and the baseline's processes.
        var cpuScheduling: String = CPUScheduling.batch.rawValue
    }

    /// One process's use during the measured window.
    struct ProcessFigures: Codable, Sendable {
        var name: String
        var pid: Int32
        var cpuSeconds: Double
        /// CPU seconds per 1,000 conversations (or baseline messages) through in the window.
        var cpuSecondsPer1000: Double?
        /// Peak resident memory over the process's life so far (VmHWM).
        var peakResidentMiB: Double
        /// What the process did per conversation, by its own counters (nil: not read).
        var work: WorkFigures? = nil
    }

    /// One process's messages and commits per conversation reaching Active in the window
    /// (`WorkSample`): what the protocol costs, steadier than the rate between runs.
    struct WorkFigures: Codable, Sendable, Equatable {
        /// Messages received on all its links (`switchboard_wire_received_total`).
        var messagesReceived: Double
        /// The same by message type, types it received none of left out.
        var receivedByType: [String: Double] = [:]
        /// Unanswered messages it sent again (`switchboard_wire_resent_total`).
        var messagesResent: Double
        /// Store transactions (group commits).
        var storeTransactions: Double
        /// Writes each transaction carried on average (nil: none committed).
        var writesPerTransaction: Double?
        /// The largest of its stores' WAL files at the end of the window (nil: no checkpoint
        /// yet). It levels off under a steady load (decisions §51).
        var largestWALMiB: Double? = nil
    }

    struct Run: Codable, Sendable {
        /// `webhook` or `submit`.
        var entry: String
        /// Which of the entry's `--repeat` runs this is, from 1 (nil: it ran once).
        var repetition: Int? = nil
        var durationSeconds: Double
        /// Conversations sent during the window.
        var sent: Int
        /// Conversations that became Active (an agent's `offerReplied accepted`) during the window.
        var reachedActive: Int
        var conversationsPerSecond: Double
        /// Latency from the webhook (or Submit) going out to the offer at the agent, microseconds.
        var sendToOffer: LatencySummary?
        /// ... to the conversation being Active with the agent, microseconds.
        var sendToActive: LatencySummary?
        /// Sends more than 1 ms behind the --rate schedule.
        var lateSends: Int
        /// Conversations (of this run or before) still not Active when the drain ended.
        var stillInFlight: Int
        var sendFailures: [String: Int]
        var refusedAccepts: Int
        /// Answers to the agents' wrapUp/close (e.g. "close refused (notAllowed)").
        var actionOutcomes: [String: Int]
        var agentErrors: [String: Int]
        var processes: [ProcessFigures]
        /// conversationsPerSecond / the baseline's messagesPerSecond.
        var ratioToBaseline: Double?
        /// CPU seconds per 1,000 conversations over the system's processes (all but the
        /// bench's own load generator and agents, which a deployment runs elsewhere).
        var systemCPUSecondsPer1000: Double? = nil
        /// The conversations/s the machine's cores would carry at that cost, all else free.
        var coresWouldCarryPerSecond: Double? = nil
        /// Messages received per conversation over every process's links: what a
        /// conversation costs in messages (decisions §25).
        var messagesPerConversation: Double? = nil
        /// The same by message type, over every process's links (decisions §56: what a
        /// message costs depends on its type).
        var messagesPerConversationByType: [String: Double]? = nil

        /// Fills in the figures above from `processes`.
        mutating func sumSystemCPU(cores: Int, benchName: String) {
            let system = processes.filter { $0.name != benchName }.compactMap(\.cpuSecondsPer1000)
            guard !system.isEmpty else { return }
            let perThousand = system.reduce(0, +)
            systemCPUSecondsPer1000 = perThousand
            coresWouldCarryPerSecond = perThousand > 0 ? Double(cores) * 1_000 / perThousand : nil
            let work = processes.compactMap(\.work)
            messagesPerConversation = work.isEmpty ? nil : work.reduce(0) { $0 + $1.messagesReceived }
            messagesPerConversationByType = work.isEmpty ? nil : work.reduce(into: [:]) { total, figures in
                total.merge(figures.receivedByType, uniquingKeysWith: +)
            }
        }
    }

    struct Baseline: Codable, Sendable {
        var processes: [ProcessFigures]
        var hops: Int
        var payloadBytes: Int
        var durationSeconds: Double
        var messagesThrough: Int
        var messagesPerSecond: Double
        var sendToSink: LatencySummary?
    }

    var settings: Settings
    var runs: [Run]
    /// The baseline (with `--repeat`, the run of median messages/s; every run's ratio is to it).
    var baseline: Baseline?
    /// Every baseline run, when there was more than one.
    var baselineRuns: [Baseline] = []
    /// Each entry's runs summed up when it ran more than once (`--repeat`).
    var summaries: [BenchSummary] = []
    var warnings: [String]

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    var text: String {
        var lines: [String] = []
        let rate = settings.rate.map { "\(Self.number($0))/s" } ?? "as fast as possible (max \(settings.maxInFlight) in flight)"
        lines.append(
            "switchboard bench: \(settings.agents) agents, \(settings.queues) queues, \(settings.workStreams) work streams × \(settings.rules) rules, "
                + "\(settings.distributors) distributors; rate \(rate); warm-up \(Self.number(settings.warmupSeconds)) s, measured \(Self.number(settings.durationSeconds)) s; \(settings.cores) cores; CPU scheduling \(settings.cpuScheduling)")
        for run in runs {
            lines.append("")
            let label = run.repetition.map { "\(run.entry) \($0)/\(settings.repeats)" } ?? run.entry
            lines.append("[\(label)] \(Self.number(run.conversationsPerSecond)) conversations/s reached Active (\(run.reachedActive) in \(Self.number(run.durationSeconds)) s; \(run.sent) sent)"
                + (run.ratioToBaseline.map { String(format: " = %.1f %% of the baseline", $0 * 100) } ?? ""))
            lines.append(Self.latencyLine("send → offer ", run.sendToOffer))
            lines.append(Self.latencyLine("send → Active", run.sendToActive))
            if run.stillInFlight > 0 { lines.append("  \(run.stillInFlight) conversations were still not Active after the drain (--drain)") }
            if run.lateSends > 0 { lines.append("  \(run.lateSends) sends left more than 1 ms behind the --rate schedule") }
            for (reason, count) in run.sendFailures.sorted(by: { $0.key < $1.key }) { lines.append("  failed sends: \(count) × \(reason)") }
            if run.refusedAccepts > 0 { lines.append("  accepts refused: \(run.refusedAccepts)") }
            for (outcome, count) in run.actionOutcomes.sorted(by: { $0.key < $1.key }) { lines.append("  agent actions: \(count) × \(outcome)") }
            for (code, count) in run.agentErrors.sorted(by: { $0.key < $1.key }) { lines.append("  agent errors: \(count) × \(code)") }
            lines += Self.processLines(run.processes, per: "conversations")
            if let system = run.systemCPUSecondsPer1000, let carried = run.coresWouldCarryPerSecond {
                lines.append(
                    "  system (all but bench)  CPU \(String(format: "%.3f", system)) s per 1,000 conversations: "
                        + "\(settings.cores) cores would carry \(Self.number(carried.rounded())) conversations/s at that cost")
            }
            if let messages = run.messagesPerConversation {
                lines.append("  messages per conversation over all links: \(String(format: "%.1f", messages))")
            }
            if let byType = run.messagesPerConversationByType, let text = Self.byTypeText(byType) {
                lines.append("    by type: \(text)")
            }
        }
        if let baseline {
            lines.append("")
            if baselineRuns.count > 1 {
                lines.append("[baseline] \(baselineRuns.count) runs: " + baselineRuns.map { Self.number($0.messagesPerSecond.rounded()) }.joined(separator: ", ")
                    + " messages/s; the median run:")
            }
            lines.append("[baseline] \(Self.number(baseline.messagesPerSecond)) messages/s through a raw \(baseline.hops)-process ZeroMQ + SQLite pipeline "
                + "(\(baseline.payloadBytes)-byte frames, group-committed insert + ack update per hop; \(baseline.messagesThrough) in \(Self.number(baseline.durationSeconds)) s)")
            lines.append(Self.latencyLine("send → sink  ", baseline.sendToSink))
            lines += Self.processLines(baseline.processes, per: "messages")
        }
        if !summaries.isEmpty {
            lines.append("")
            lines += summaries.map(\.text)
        }
        for warning in warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }

    private static func latencyLine(_ label: String, _ summary: LatencySummary?) -> String {
        guard let summary else { return "  \(label)  (no samples)" }
        return "  \(label)  p50 \(micros(summary.p50))  p90 \(micros(summary.p90))  p99 \(micros(summary.p99))  p99.9 \(micros(summary.p999))  max \(micros(summary.max))  (\(summary.count) samples)"
    }

    private static func processLines(_ processes: [ProcessFigures], per unit: String) -> [String] {
        processes.map { process in
            let perThousand = process.cpuSecondsPer1000.map { String(format: "%.3f", $0) } ?? "-"
            return "  \(process.name.padding(toLength: 22, withPad: " ", startingAt: 0)) CPU \(String(format: "%6.2f", process.cpuSeconds)) s  "
                + "\(perThousand) s per 1,000 \(unit)  peak RSS \(String(format: "%.1f", process.peakResidentMiB)) MiB"
                + (process.work.map { "  " + workText($0) } ?? "")
        }
    }

    /// e.g. "Ack 6.0, AgentUpdate 3.3, Reserve 1.0": the most frequent first, types below
    /// 0.05 per conversation left out; nil when none is left.
    static func byTypeText(_ byType: [String: Double]) -> String? {
        let shown = byType.filter { $0.value >= 0.05 }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        guard !shown.isEmpty else { return nil }
        return shown.map { "\($0.key) \(String(format: "%.1f", $0.value))" }.joined(separator: ", ")
    }

    /// e.g. "per conversation: 11.2 messages in, 0.01 resent, 2.0 commits of 1.0 writes; WAL 4.5 MiB".
    static func workText(_ work: WorkFigures) -> String {
        let commits = work.writesPerTransaction.map { String(format: "%.2f commits of %.1f writes", work.storeTransactions, $0) } ?? "no commits"
        let wal = work.largestWALMiB.map { String(format: "; WAL %.1f MiB", $0) } ?? ""
        return String(format: "per conversation: %.1f messages in, %.2f resent, ", work.messagesReceived, work.messagesResent) + commits + wal
    }

    private static func micros(_ value: UInt64) -> String {
        value < 1_000 ? "\(value) µs" : value < 1_000_000 ? String(format: "%.2f ms", Double(value) / 1_000) : String(format: "%.2f s", Double(value) / 1_000_000)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.1f", value)
    }
}
