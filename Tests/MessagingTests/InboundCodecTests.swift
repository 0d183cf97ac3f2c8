import Logging
import Metrics
import Synchronization
import Testing
import Wire

@testable import Messaging

/// What a link's decoder counts: every message by link and type, every malformed one by
/// link and reason (what an operator reads to see how many messages a conversation costs).
@Suite struct InboundCodecTests {
    @Test func countsEveryMessageByTypeAndEveryRejectionByReason() throws {
        let metrics = CounterTally()
        let codec = InboundCodec(link: "router.ingress", logger: Logger(label: "test"), metrics: metrics)
        let heartbeat = try WireCodec.encode(Envelope(id: MessageID(prefix: 1, counter: 1), message: .heartbeat(Heartbeat(sender: "test"))))
        #expect(codec.decode(heartbeat[...]) != nil)
        #expect(codec.decode(heartbeat[...]) != nil)
        #expect(codec.decode([[0xFF], [0x00]][...]) == nil)

        #expect(metrics.value("switchboard_wire_received_total{link=router.ingress,type=Heartbeat}") == 2)
        #expect(metrics.value("switchboard_wire_received_total{link=router.ingress,type=Submit}") == 0)
        let rejected = metrics.total(prefix: "switchboard_wire_rejected_total{link=router.ingress,")
        #expect(rejected == 1)
    }
}

/// Counters in memory, by label and dimensions.
private final class CounterTally: MetricsFactory, Sendable {
    private let counts = Mutex<[String: Int64]>([:])

    func value(_ key: String) -> Int64 { counts.withLock { $0[key, default: 0] } }
    func total(prefix: String) -> Int64 { counts.withLock { $0.filter { $0.key.hasPrefix(prefix) }.values.reduce(0, +) } }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        Handler(tally: self, key: label + "{" + dimensions.map { "\($0.0)=\($0.1)" }.joined(separator: ",") + "}")
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler { Unused() }
    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler { Unused() }
    func destroyCounter(_ handler: any CounterHandler) {}
    func destroyRecorder(_ handler: any RecorderHandler) {}
    func destroyTimer(_ handler: any TimerHandler) {}

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
