import Synchronization
import SwitchboardTestSupport
import Testing

@testable import ZeroMQ

@Suite("Back-pressure")
struct BackPressureTests {
    /// PUSH (SNDHWM 10) → PULL (RCVHWM 10, receive buffer 5) nobody reads: the loop stops
    /// reading once its buffer is full, libzmq's queues fill, and `send` suspends. Reading
    /// then lets every remaining send through, in order.
    @Test("send suspends at the high-water mark and resumes when the receiver reads")
    func sendSuspendsAtHighWaterMark() async throws {
        try await withEventLoop { loop in
            let total = 500
            let (pull, endpoint) = try await makeBound(.pull, on: loop, transport: .inproc, receiveBufferSize: 5) {
                try $0.setReceiveHighWaterMark(10)
            }
            let push = try await loop.makeSocket(.push) {
                try $0.setSendHighWaterMark(10)
                try $0.connect(endpoint)
            }
            let sent = Counter()
            let sender = Task {
                for index in 0..<total {
                    try await push.send(Multipart(strings: "\(index)"))
                    sent.increment()
                }
            }
            // Wait until the count stops moving: the sender is suspended, not finished.
            var stalled = -1
            try await withTimeout(.seconds(5), "sender to stall") {
                var previous = -1
                while true {
                    try await Task.sleep(for: .milliseconds(50))
                    let now = sent.current
                    if now == previous { return }
                    previous = now
                }
            }
            stalled = sent.current
            // An inproc pipe holds SNDHWM + RCVHWM = 20 (observed: exactly 20); our 5-message
            // buffer may add up to 5 more depending on when libzmq returns write credit.
            #expect((15...25).contains(stalled), "sent \(stalled) before blocking")
            #expect(pull.channel.bufferedCount == 5)

            var received: [Int] = []
            for try await message in pull.messages {
                received.append(Int(message.strings[0]) ?? -1)
                if received.count == total { break }
            }
            try await withTimeout(.seconds(5), "sender to finish") { try await sender.value }
            #expect(received == Array(0..<total))
            #expect(sent.current == total)
            await push.close()
            await pull.close()
        }
    }

    @Test("cancelling a send waiting at the high-water mark throws and does not send it")
    func cancelWaitingSend() async throws {
        try await withEventLoop { loop in
            let (pull, endpoint) = try await makeBound(.pull, on: loop, transport: .inproc, receiveBufferSize: 1) {
                try $0.setReceiveHighWaterMark(1)
            }
            let push = try await loop.makeSocket(.push) {
                try $0.setSendHighWaterMark(1)
                try $0.connect(endpoint)
            }
            let sent = Counter()
            let filler = Task {
                while true {
                    try await push.send(Multipart(strings: "fill-\(sent.current)"))
                    sent.increment()
                }
            }
            try await Task.sleep(for: .milliseconds(200))
            filler.cancel()
            let result = await filler.result
            #expect(throws: CancellationError.self) { try result.get() }
            let delivered = sent.current
            #expect(delivered > 0 && delivered < 50)

            // The cancelled message never arrives: after the delivered ones comes "after".
            let consumer = Task {
                var received: [String] = []
                for try await message in pull.messages {
                    received.append(message.strings[0])
                    if message.strings[0] == "after" { break }
                }
                return received
            }
            try await push.send(["after"])  // waits until the consumer makes room
            let received = try await consumer.value
            #expect(received == (0..<delivered).map { "fill-\($0)" } + ["after"])
            await push.close()
            await pull.close()
        }
    }

    /// A ROUTER with ROUTER_MANDATORY gets EAGAIN (not a silent drop) when one peer is full:
    /// the send waits, the loop retries on POLLOUT (backing off while the ROUTER is writable
    /// but that peer is not), and every message arrives in order once the peer reads.
    @Test("a ROUTER_MANDATORY send to a full peer waits instead of dropping")
    func routerMandatoryAtHighWaterMark() async throws {
        try await withEventLoop { loop in
            let total = 200
            let (router, endpoint) = try await makeBound(.router, on: loop, transport: .tcp) {
                try $0.setRouterMandatory(true)
                try $0.setSendHighWaterMark(5)
            }
            let dealer = try await loop.makeSocket(.dealer, receiveBufferSize: 2) {
                try $0.setRoutingID("slow")
                try $0.setReceiveHighWaterMark(5)
                try $0.connect(endpoint)
            }
            try await dealer.send(["READY"])
            _ = try await receive(router)

            let sent = Counter()
            let sender = Task {
                for index in 0..<total {
                    try await router.send(Multipart(strings: "slow", "\(index)", String(repeating: "x", count: 100_000)))
                    sent.increment()
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            let stalled = sent.current
            #expect(stalled < total, "nothing pushed back")

            var received: [Int] = []
            for try await message in dealer.messages {
                received.append(Int(message.strings[0]) ?? -1)
                if received.count == total { break }
            }
            try await withTimeout(.seconds(5), "sender to finish") { try await sender.value }
            #expect(received == Array(0..<total))
            await dealer.close()
            await router.close()
        }
    }
}
