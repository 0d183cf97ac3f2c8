import Logging
import Metrics
import SwitchboardTestSupport
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
