import AsyncHTTPClient
import Foundation

/// What each process had done at one moment by its own counters (`/metrics`, operator.md
/// section 6): messages received and resent on its links, store transactions and the writes
/// they carried. Two samples give what a window's conversations cost in messages and commits,
/// figures that vary far less from run to run than the rate does (decisions §25, §35).
struct WorkSample: Sendable {
    /// The counters the bench reads, summed over their labels.
    struct Counters: Sendable, Equatable {
        var messagesReceived: Double = 0
        /// The same, by message type (its `type` label).
        var receivedByType: [String: Double] = [:]
        var messagesResent: Double = 0
        var storeTransactions: Double = 0
        var storeWrites: Double = 0
        /// The largest of the process's stores' WAL files (`switchboard_store_wal_bytes`, a
        /// gauge: the largest, not the sum).
        var largestWALBytes: Double = 0
    }

    let counters: [String: Counters]

    /// Reads every process's `/metrics`; a process that does not answer within a second is
    /// left out (its figures are then missing from the report, not wrong).
    static func read(_ addresses: [(name: String, address: String)]) async -> WorkSample {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var counters: [String: Counters] = [:]
        for (name, address) in addresses {
            let request = HTTPClientRequest(url: "http://\(address)/metrics")
            guard let response = try? await http.execute(request, timeout: .seconds(1)), response.status.code == 200,
                let body = try? await response.body.collect(upTo: 16 << 20)
            else { continue }
            counters[name] = parse(String(decoding: body.readableBytesView, as: UTF8.self))
        }
        try? await http.shutdown()
        return WorkSample(counters: counters)
    }

    /// The counters of a Prometheus text exposition (`name{labels} value` lines).
    static func parse(_ text: String) -> Counters {
        var counters = Counters()
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let series = line[..<space]
            let name = series.firstIndex(of: "{").map { series[..<$0] } ?? series
            switch name {
            case "switchboard_wire_received_total":
                counters.messagesReceived += value
                if let type = label("type", of: series) { counters.receivedByType[type, default: 0] += value }
            case "switchboard_wire_resent_total": counters.messagesResent += value
            case "switchboard_store_transactions_total": counters.storeTransactions += value
            case "switchboard_store_writes_total": counters.storeWrites += value
            case "switchboard_store_wal_bytes": counters.largestWALBytes = max(counters.largestWALBytes, value)
            default: break
            }
        }
        return counters
    }

    /// The value of `name` in a series' labels (`name{a="x",type="Ack"}`); nil when it has none.
    static func label(_ name: Substring, of series: Substring) -> String? {
        guard let open = series.firstIndex(of: "{"), let close = series.lastIndex(of: "}"), open < close else { return nil }
        for pair in series[series.index(after: open)..<close].split(separator: ",") {
            guard let equals = pair.firstIndex(of: "="), pair[..<equals] == name else { continue }
            return String(pair[pair.index(after: equals)...].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        }
        return nil
    }

    /// Per process read both times: what it did between `before` and `self`, per conversation
    /// of `through`, and its largest WAL at the end.
    func figures(since before: WorkSample, through: Int) -> [String: BenchReport.WorkFigures] {
        guard through > 0 else { return [:] }
        let conversations = Double(through)
        var figures: [String: BenchReport.WorkFigures] = [:]
        for (name, now) in counters {
            guard let earlier = before.counters[name] else { continue }
            let transactions = max(now.storeTransactions - earlier.storeTransactions, 0)
            let writes = max(now.storeWrites - earlier.storeWrites, 0)
            var byType: [String: Double] = [:]
            for (type, count) in now.receivedByType {
                let received = max(count - (earlier.receivedByType[type] ?? 0), 0)
                if received > 0 { byType[type] = received / conversations }
            }
            figures[name] = BenchReport.WorkFigures(
                messagesReceived: max(now.messagesReceived - earlier.messagesReceived, 0) / conversations,
                receivedByType: byType,
                messagesResent: max(now.messagesResent - earlier.messagesResent, 0) / conversations,
                storeTransactions: transactions / conversations,
                writesPerTransaction: transactions > 0 ? writes / transactions : nil,
                largestWALMiB: now.largestWALBytes > 0 ? now.largestWALBytes / 1_048_576 : nil)
        }
        return figures
    }
}
