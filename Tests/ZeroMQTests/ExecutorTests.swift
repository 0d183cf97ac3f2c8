import SwitchboardTestSupport
import Testing

@testable import ZeroMQ

/// An actor isolated to the loop: its methods run on the loop thread and may use raw sockets.
actor LoopBoundPair {
    nonisolated let loop: ZeroMQEventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.actorExecutor.asUnownedSerialExecutor() }
    private var push: Socket?
    private var pull: Socket?

    init(loop: ZeroMQEventLoop) {
        self.loop = loop
    }

    func open() throws -> Bool {
        let endpoint = Transport.inproc.bindEndpoint()
        let pull = try Socket(context: loop.context, type: .pull)
        try pull.bind(endpoint)
        let push = try Socket(context: loop.context, type: .push)
        try push.connect(endpoint)
        self.pull = pull
        self.push = push
        return loop.inEventLoop
    }

    /// Sends, then waits (briefly, in zmq_poll on the loop thread) for the message.
    func echo(_ message: Multipart) throws -> Multipart? {
        guard let push, let pull else { return nil }
        guard try push.trySend(message) else { return nil }
        var items = [PollItem(pull, events: .input)]
        guard try Poll.poll(&items, timeout: .seconds(1)) == 1, items[0].returnedEvents.contains(.input) else {
            return nil
        }
        return try pull.tryReceive()
    }

    func close() {
        push?.close(linger: .zero)
        pull?.close(linger: .zero)
        push = nil
        pull = nil
    }
}

/// Two actors on one loop's executor: one calls the other for every item.
actor LoopBoundCaller {
    nonisolated let loop: ZeroMQEventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.actorExecutor.asUnownedSerialExecutor() }
    let callee: LoopBoundCounter

    init(loop: ZeroMQEventLoop) {
        self.loop = loop
        self.callee = LoopBoundCounter(loop: loop)
    }

    /// Calls the other actor `count` times; returns its total and how many jobs the loop queued.
    func callOther(_ count: Int) async -> (total: Int, queued: Int) {
        let before = loop.queuedWork.load(ordering: .relaxed)
        var total = 0
        for _ in 0..<count { total = await callee.increment() }
        return (total, loop.queuedWork.load(ordering: .relaxed) - before)
    }
}

actor LoopBoundCounter {
    nonisolated let loop: ZeroMQEventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.actorExecutor.asUnownedSerialExecutor() }
    private var count = 0

    init(loop: ZeroMQEventLoop) { self.loop = loop }

    func increment() -> Int {
        count += 1
        return count
    }
}

@Suite("Event loop as executor")
struct ExecutorTests {
    @Test("a task on the loop that was resumed runs on, without a second job to leave a serial executor")
    func aResumedTaskCostsOneJob() async throws {
        try await withEventLoop { loop in
            // Two tasks on the loop playing ping-pong over two streams: every ball resumes a
            // waiting task, as every received message and every commit does in a process.
            let (pings, ping) = AsyncStream.makeStream(of: Int.self)
            let (pongs, pong) = AsyncStream.makeStream(of: Int.self)
            let rounds = 200
            let partner = Task(executorPreference: loop) {
                for await ball in pings { pong.yield(ball) }
                pong.finish()
            }
            let queued = await Task(executorPreference: loop) {
                var replies = pongs.makeAsyncIterator()
                ping.yield(0)
                _ = await replies.next()  // settle
                let before = loop.queuedWork.load(ordering: .relaxed)
                for ball in 1...rounds {
                    ping.yield(ball)
                    _ = await replies.next()
                }
                let queued = loop.queuedWork.load(ordering: .relaxed) - before
                ping.finish()
                return queued
            }.value
            await partner.value
            // Each round resumes two tasks: two jobs. Run isolated to the loop as a serial
            // executor, a resumed task had to leave it for its nonisolated code: four.
            #expect(queued <= 2 * rounds + 10, "\(queued) jobs queued for \(rounds) rounds")
        }
    }

    @Test("a call between two actors on the loop runs in place, without a job")
    func callBetweenLoopActorsQueuesNothing() async throws {
        try await withEventLoop { loop in
            let caller = LoopBoundCaller(loop: loop)
            let calls = 500
            let (total, queued) = await Task(executorPreference: loop) { await caller.callOther(calls) }.value
            #expect(total == calls)
            // Two default actors would cost two jobs per call (in and back out); one executor
            // shared by both costs none.
            #expect(queued <= 5, "\(queued) jobs queued for \(calls) calls")
        }
    }

    @Test("an actor on the loop runs on its thread and uses raw sockets synchronously")
    func actorOnLoop() async throws {
        try await withEventLoop { loop in
            #expect(!loop.inEventLoop)
            let pair = LoopBoundPair(loop: loop)
            let ranOnLoop = try await pair.open()
            #expect(ranOnLoop)
            let echoed = try await pair.echo(["x", "", "yz"])
            #expect(echoed == ["x", "", "yz"])
            await pair.close()
            #expect(loop.context.openSocketCount == 0)
        }
    }

    @Test("an actor on a stopped loop still runs, and its sockets report closure")
    func actorAfterShutdown() async throws {
        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context)
        let pair = LoopBoundPair(loop: loop)
        _ = try await pair.open()
        await pair.close()
        await loop.shutdown()
        // Jobs now run on a trampoline instead of being lost.
        let reply = try await withTimeout(.seconds(2), "actor after shutdown") { try await pair.echo(["late"]) }
        #expect(reply == nil)
        try context.terminate()
    }

    @Test("raw trySend reports EAGAIN as false and tryReceive reports an empty queue as nil")
    func rawNonBlockingCalls() async throws {
        try await withEventLoop { loop in
            // A DEALER with no peer has nowhere to queue: the send would block.
            let dealer = try await loop.makeSocket(.dealer)
            let (accepted, received) = try await dealer.withSocket { socket in
                (try socket.trySend(["nowhere"]), try socket.tryReceive())
            }
            #expect(accepted == false)
            #expect(received == nil)
            // Socket calls run on the loop's thread, never on the cooperative pool.
            let onLoop = try await dealer.withSocket { _ in loop.inEventLoop }
            #expect(onLoop)
            let events = try await dealer.withSocket { try $0.events() }
            #expect(!events.contains(.output) && !events.contains(.input))
            await dealer.close()
        }
    }
}
