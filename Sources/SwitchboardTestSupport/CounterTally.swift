import Metrics
import Synchronization

/// Counters (and the last value of each gauge) in memory, by label and dimensions
/// (`label{key=value,...}`), for tests that check what a component counts.
public final class CounterTally: MetricsFactory, Sendable {
    private let counts = Mutex<[String: Int64]>([:])
    private let gauges = Mutex<[String: Double]>([:])

    public init() {}

    public func value(_ key: String) -> Int64 { counts.withLock { $0[key, default: 0] } }
    public func total(prefix: String) -> Int64 { counts.withLock { $0.filter { $0.key.hasPrefix(prefix) }.values.reduce(0, +) } }
    /// The last value a gauge recorded; nil when it recorded none.
    public func gauge(_ key: String) -> Double? { gauges.withLock { $0[key] } }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handler(tally: self, key: Self.key(label, dimensions))
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        aggregate ? Unused() : Handler(tally: self, key: Self.key(label, dimensions))
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + "{" + dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}"
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Unused() }
    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}

    fileprivate func add(_ amount: Int64, to key: String) { counts.withLock { $0[key, default: 0] += amount } }
    fileprivate func set(_ value: Double, of key: String) { gauges.withLock { $0[key] = value } }

    /// One series: a counter adds to it, a gauge sets it.
    private final class Handler: CounterHandler, RecorderHandler, Sendable {
        let tally: CounterTally
        let key: String
        init(tally: CounterTally, key: String) {
            self.tally = tally
            self.key = key
        }
        func increment(by amount: Int64) { tally.add(amount, to: key) }
        func reset() {}
        func record(_ value: Int64) { tally.set(Double(value), of: key) }
        func record(_ value: Double) { tally.set(value, of: key) }
    }

    private final class Unused: RecorderHandler, TimerHandler, Sendable {
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func recordNanoseconds(_ duration: Int64) {}
    }
}
