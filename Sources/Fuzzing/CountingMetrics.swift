import Metrics
import Synchronization

/// An in-memory metrics factory: the fuzzer reads the adapters' own counters (accepted,
/// rejected by reason) from it instead of scraping Prometheus text.
final class CountingMetrics: MetricsFactory, Sendable {
    private let counters = Mutex<[String: Int64]>([:])

    /// The value of counter `label` with exactly `dimensions` (0 when never touched).
    func value(_ label: String, _ dimensions: [(String, String)] = []) -> Int64 {
        counters.withLock { $0[Self.key(label, dimensions), default: 0] }
    }

    /// Every counter named `label`, by the value of its dimension `name`.
    func values(_ label: String, by name: String) -> [String: Int64] {
        counters.withLock { all in
            var result: [String: Int64] = [:]
            for (key, value) in all where value > 0 && key.hasPrefix(label + "{") {
                guard let range = key.range(of: name + "=") else { continue }
                let rest = key[range.upperBound...]
                result[String(rest.prefix { $0 != "," && $0 != "}" })] = value
            }
            return result
        }
    }

    static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + "{" + dimensions.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
    }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handler(owner: self, key: Self.key(label, dimensions))
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { Ignored() }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Ignored() }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

    fileprivate func add(_ amount: Int64, to key: String) {
        counters.withLock { $0[key, default: 0] += amount }
    }

    private final class Handler: CounterHandler, Sendable {
        let owner: CountingMetrics
        let key: String
        init(owner: CountingMetrics, key: String) {
            self.owner = owner
            self.key = key
        }
        func increment(by amount: Int64) { owner.add(amount, to: key) }
        func reset() {}
    }

    private final class Ignored: RecorderHandler, TimerHandler, Sendable {
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func recordNanoseconds(_ duration: Int64) {}
    }
}
