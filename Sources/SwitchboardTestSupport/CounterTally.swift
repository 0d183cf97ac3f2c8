import Metrics
import Synchronization

/// Counters in memory, by label and dimensions (`label{key=value,...}`), for tests that
/// check what a component counts.
public final class CounterTally: MetricsFactory, Sendable {
    private let counts = Mutex<[String: Int64]>([:])

    public init() {}

    public func value(_ key: String) -> Int64 { counts.withLock { $0[key, default: 0] } }
    public func total(prefix: String) -> Int64 { counts.withLock { $0.filter { $0.key.hasPrefix(prefix) }.values.reduce(0, +) } }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handler(tally: self, key: label + "{" + dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}")
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { Unused() }
    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Unused() }
    public func destroyCounter(_ handler: any CounterHandler) {}
    public func destroyRecorder(_ handler: any RecorderHandler) {}
    public func destroyTimer(_ handler: any TimerHandler) {}

    fileprivate func add(_ amount: Int64, to key: String) { counts.withLock { $0[key, default: 0] += amount } }

    private final class Handler: CounterHandler, Sendable {
        let tally: CounterTally
        let key: String
        init(tally: CounterTally, key: String) {
            self.tally = tally
            self.key = key
        }
        func increment(by amount: Int64) { tally.add(amount, to: key) }
        func reset() {}
    }

    private final class Unused: RecorderHandler, TimerHandler, Sendable {
        func record(_ value: Int64) {}
        func record(_ value: Double) {}
        func recordNanoseconds(_ duration: Int64) {}
    }
}
