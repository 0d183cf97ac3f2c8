import Synchronization
import SwitchboardTestSupport
import Testing

@testable import ZeroMQ

@Suite("Shutdown")
struct ShutdownTests {
    @Test("shutdown with thousands of queued messages to an absent peer returns promptly")
    func shutdownWithQueuedMessages() async throws {
        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context)
        // Nobody listens on this endpoint: libzmq queues up to SNDHWM, our loop the rest.
        let dealer = try await loop.makeSocket(.dealer) {
            try $0.setSendHighWaterMark(1000)
            try $0.setLinger(.seconds(60))  // shutdown(linger:) must override this
            try $0.connect(Transport.ipc.bindEndpoint())
        }
        let failures = Collector<ZeroMQError.Code>()
        let accepted = Counter()
        let senders = Task {
            await withTaskGroup(of: Void.self) { group in
                for task in 0..<4 {
                    group.addTask {
                        for index in 0..<1000 {
                            do {
                                try await dealer.send(Multipart(strings: "\(task)", "\(index)"))
                                accepted.increment()
                            } catch let error as ZeroMQError {
                                failures.append(error.code)
                                return
                            } catch {
                                return
                            }
                        }
                    }
                }
            }
        }
        // Let libzmq's queue fill and the rest wait at the high-water mark.
        try await withTimeout(.seconds(30), "queue to fill") {  // 1,000 round trips: slow when the suite runs in parallel
            while accepted.current < 1000 { try await Task.sleep(for: .milliseconds(10)) }
        }
        try await Task.sleep(for: .milliseconds(100))
        #expect(accepted.current == 1000)

        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            try await withTimeout(.seconds(5), "shutdown") { await loop.shutdown(linger: .milliseconds(50)) }
            try await withTimeout(.seconds(5), "senders") { await senders.value }
            try await withTimeout(.seconds(5), "terminate") { try context.terminate() }
        }
        #expect(elapsed < .seconds(2), "shutdown took \(elapsed)")
        // Each of the 4 senders had a send waiting; each failed with loopShutDown.
        #expect(failures.all == Array(repeating: .loopShutDown, count: 4))
    }

    @Test("closing a socket ends its message sequence and fails waiting sends")
    func closeEndsSequence() async throws {
        try await withEventLoop { loop in
            let (pull, endpoint) = try await makeBound(.pull, on: loop, transport: .inproc)
            let push = try await loop.makeSocket(.push) { try $0.connect(endpoint) }
            try await push.send(["one"])
            let consumer = Task {
                var seen: [String] = []
                for try await message in pull.messages { seen.append(message.strings[0]) }
                return seen  // reached only when the sequence ends
            }
            try await Task.sleep(for: .milliseconds(50))
            await pull.close()
            let seen = try await withTimeout(.seconds(2), "sequence end") { try await consumer.value }
            #expect(seen == ["one"])

            // A PUSH with no peer cannot queue: its send waits, and closing fails it.
            let lonely = try await loop.makeSocket(.push)
            let waiting = Task { try await lonely.send(["stuck"]) }
            try await Task.sleep(for: .milliseconds(50))
            await lonely.close()
            let outcome = try await withTimeout(.seconds(2), "waiting send") { await waiting.result }
            let closed = #expect(throws: ZeroMQError.self) { try outcome.get() }
            #expect(closed?.code == .socketClosed)

            // A SUB-less PUB never receives: its sequence is finished from the start.
            let publisher = try await loop.makeSocket(.pub)
            var iterator = publisher.messages.makeAsyncIterator()
            #expect(try await iterator.next() == nil)
            await publisher.close()
            await push.close()
        }
    }

    @Test("cancelling the consuming task ends its iteration")
    func cancelConsumer() async throws {
        try await withEventLoop { loop in
            let (pull, endpoint) = try await makeBound(.pull, on: loop, transport: .inproc)
            let consumer = Task {
                var count = 0
                for try await _ in pull.messages { count += 1 }
                return count
            }
            try await Task.sleep(for: .milliseconds(50))
            consumer.cancel()
            let count = try await withTimeout(.seconds(2), "consumer end") { try await consumer.value }
            #expect(count == 0)

            // The socket itself is still usable by a new consumer.
            let push = try await loop.makeSocket(.push) { try $0.connect(endpoint) }
            try await push.send(["still here"])
            #expect(try await receive(pull).strings == ["still here"])
            await push.close()
            await pull.close()
        }
    }

    @Test("the context's shutdown ends sockets on the loop with ETERM instead of hanging")
    func contextShutdownUnderLoop() async throws {
        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context)
        let (pull, _) = try await makeBound(.pull, on: loop, transport: .inproc)
        let consumer = Task {
            var iterator = pull.messages.makeAsyncIterator()
            return try await iterator.next()
        }
        try await Task.sleep(for: .milliseconds(50))
        try context.shutdown()
        let result = try await withTimeout(.seconds(2), "consumer") { await consumer.result }
        let error = #expect(throws: ZeroMQError.self) { try result.get() }
        #expect(error?.code == .contextTerminated)
        try await withTimeout(.seconds(2), "loop shutdown") { await loop.shutdown() }
        try context.terminate()
    }
}
