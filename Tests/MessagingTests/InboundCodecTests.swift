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

/// How a link tells a peer's new run from its old one (decisions §35).
@Suite struct PeerRunTests {
    @Test func aNewPrefixOnAMessageNeverResentIsARestart() {
        var run = PeerRun()
        let old = MessageIDGenerator(prefix: 1)
        let new = MessageIDGenerator(prefix: 2)
        let beat = WireMessage.heartbeat(Heartbeat(sender: "router"))
        let seen = [
            run.restarted(Envelope(id: old.next(), message: beat)),  // first seen
            run.restarted(Envelope(id: old.next(), message: .ack(Ack(ackedID: new.next(), outcome: .accepted)))),
            // A message stored by the old run and resent by the new one keeps its old id: no sign.
            run.restarted(Envelope(id: new.next(), message: submit("resent"))),
            run.restarted(Envelope(id: new.next(), message: beat)),
            run.restarted(Envelope(id: new.next(), message: beat)),
        ]
        #expect(seen == [false, false, false, true, false])
    }
}

