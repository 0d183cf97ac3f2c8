// The ZeroMQ module: Swift over libzmq for Switchboard (design.md, "ZeroMQ confinement").
//
// Shape:
// - `ZeroMQContext` (Sendable) wraps the thread-safe libzmq context.
// - `Socket` (not Sendable) wraps one libzmq socket with non-blocking `trySend`/`tryReceive`;
//   the compiler keeps it on the thread that created it.
// - `ZeroMQEventLoop` owns one dedicated pthread. Every socket it makes is created, used and
//   closed on that thread. The thread runs `zmq_poll` over its sockets plus an eventfd that
//   other threads signal after enqueueing work, so no ZeroMQ call ever runs on (or blocks)
//   Swift's cooperative pool. The loop is a `TaskExecutor` (tasks that prefer it run here),
//   and `actorExecutor` is the one `SerialExecutor` of the actors on it: they call each other
//   in place (decisions §45), and may use raw `Socket`s synchronously in their methods.
// - `AsyncSocket` is the Sendable handle services use: `send` suspends at the send
//   high-water mark until `zmq_poll` reports POLLOUT (sender back-pressure); `messages` is an
//   AsyncSequence over a bounded buffer, and when the buffer is full the loop stops polling
//   that socket for input so libzmq's own high-water mark pushes back on the peer.
//
// Usage (DEALER → ROUTER request/ack):
//
//     let context = try ZeroMQContext()
//     let loop = try ZeroMQEventLoop(context: context, name: "router-io")
//     let router = try await loop.makeSocket(.router) { try $0.setRouterMandatory(true); try $0.bind("tcp://127.0.0.1:5550") }
//     let dealer = try await loop.makeSocket(.dealer) { try $0.setRoutingID("ingress-sms"); try $0.connect("tcp://127.0.0.1:5550") }
//     try await dealer.send(["MSG", "id-1", "body"])
//     for try await request in router.messages {          // [routing id, "MSG", "id-1", "body"]
//         try await router.send(Multipart([request.frames[0], Array("ACK".utf8), request.frames[2]]))
//     }
//     await loop.shutdown(); try context.terminate()
//
// Choices beyond the brief, and why:
// - Pending sends of one socket go out in FIFO order, so a ROUTER whose head message waits on a
//   full peer (ROUTER_MANDATORY + EAGAIN) delays later messages to other peers. Ordering per
//   socket is what the acked links expect; a ROUTER that fans out to slow peers should
//   use one DEALER-side window per peer instead. When POLLOUT fires but the head message still
//   cannot go (a ROUTER is writable if *any* peer is), the socket backs off 1 ms rather than spin.
// - After `shutdown()` the loop's thread is gone, but actors may still hold it as their
//   executor; their jobs then run serially on the enqueuing thread (a trampoline) instead of
//   being dropped, so such an actor fails with `loopShutDown`/`socketClosed` instead of hanging.
// - The thread is detached rather than joined: `shutdown()` is async and resumes once the thread
//   has closed every socket and run its last job, which bounds it just as well without
//   blocking a cooperative thread in `pthread_join`.
// - `send` and `messages` use untyped `throws`: their errors are `ZeroMQError`, except
//   `CancellationError` when the sending task is cancelled while waiting at the high-water mark.
import CZeroMQ
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A dedicated thread that owns ZeroMQ sockets and polls them; see the file header.
///
/// Always call ``shutdown(linger:)``: the running thread keeps the loop alive.
public final class ZeroMQEventLoop: Sendable {
    public let context: ZeroMQContext
    public let name: String

    let wakeUp: WakeUpSignal
    private let shared: Mutex<Shared>
    private let nextSendID = Atomic<UInt64>(0)
    /// Every job and closure queued so far (tests read it: a resumed task should cost one job,
    /// decisions §40).
    let queuedWork = Atomic<Int>(0)
    /// Touched only on the loop thread (by the thread's own code and the closures it runs).
    private nonisolated(unsafe) var confined = Confined()
    /// Set once in `init`, before the thread starts, and never changed: the executor refers
    /// back to the loop, so it cannot be made before the loop's other properties are.
    private nonisolated(unsafe) var actorExecutorStorage: ZeroMQLoopActorExecutor?

    enum Work: Sendable {
        /// A job of a task that prefers the loop (`TaskExecutor`).
        case job(UnownedJob)
        /// A job of an actor whose executor is `executor` (`ZeroMQLoopActorExecutor`).
        case isolatedJob(UnownedJob, ZeroMQLoopActorExecutor)
        case closure(@Sendable () -> Void)
    }

    private enum RunState {
        case running, shuttingDown, stopped
    }

    private struct Shared {
        var state = RunState.running
        var work: [Work] = []
        /// Run once no job is ready, or after a few polls of a busy loop (`runWhenIdle`).
        var idle: [@Sendable () -> Void] = []
        var wakeSignalled = false
        var shutdownLinger = Socket.defaultLinger
        var shutdownWaiters: [CheckedContinuation<Void, Never>] = []
        var loopThread: pthread_t?
        // Trampoline for executor jobs enqueued once the thread has stopped.
        var lateJobs = FIFO<Work>()
        var lateJobRunner: pthread_t?
    }

    private struct Confined {
        var sockets: [Int: SocketEntry] = [:]
        var nextSocketID = 0
        var closing = false
    }

    /// Starts the loop's thread. `name` is for diagnostics (Glibc's Swift module does not
    /// expose `pthread_setname_np`).
    public init(context: ZeroMQContext, name: String = "zmq-loop") throws {
        self.context = context
        self.name = name
        self.wakeUp = try WakeUpSignal()
        self.shared = Mutex(Shared())
        actorExecutorStorage = ZeroMQLoopActorExecutor(loop: self)

        var thread = pthread_t()
        let retained = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { argument in
            guard let argument else { return nil }
            let loop = Unmanaged<ZeroMQEventLoop>.fromOpaque(argument).takeRetainedValue()
            loop.runThread()
            return nil
        }, retained)
        if rc != 0 {
            Unmanaged<ZeroMQEventLoop>.fromOpaque(retained).release()
            throw ZeroMQError(code: .other, errno: rc, operation: "pthread_create", message: String(cString: strerror(rc)))
        }
        pthread_detach(thread)
    }

    /// Whether the caller runs on this loop's thread (or its post-shutdown trampoline).
    public var inEventLoop: Bool {
        let me = pthread_self()
        return shared.withLock { shared in
            if let thread = shared.loopThread, pthread_equal(thread, me) != 0 { return true }
            if let runner = shared.lateJobRunner, pthread_equal(runner, me) != 0 { return true }
            return false
        }
    }

    // MARK: submitting work

    /// Runs `body` on the loop thread. Returns `false` (and drops `body`) once the loop stopped.
    @discardableResult
    func submit(_ body: @escaping @Sendable () -> Void) -> Bool {
        submit(.closure(body))
    }

    func submit(_ work: Work) -> Bool {
        queuedWork.add(1, ordering: .relaxed)
        return enqueue { $0.work.append(work) }
    }

    /// Runs `body` on the loop thread once no job is ready, before the loop waits for its
    /// sockets again, or, when jobs keep coming, after at most `pollsPerIdleRun` polls: a
    /// store's group commit then holds everything that the messages of those rounds wrote
    /// (decisions §22). Returns `false` once the loop stopped.
    @discardableResult
    public func runWhenIdle(_ body: @escaping @Sendable () -> Void) -> Bool {
        enqueue { $0.idle.append(body) }
    }

    /// Adds to one of the loop's queues and wakes the thread; false once the loop stopped.
    private func enqueue(_ add: (inout Shared) -> Void) -> Bool {
        let me = pthread_self()
        let signal: Bool? = shared.withLock { shared in
            if shared.state == .stopped { return nil }
            add(&shared)
            // The loop thread looks at its queues before it polls again (without blocking when
            // something waits), so what it queues itself needs no eventfd write.
            if let thread = shared.loopThread, pthread_equal(thread, me) != 0 { return false }
            defer { shared.wakeSignalled = true }
            return !shared.wakeSignalled
        }
        guard let signal else { return false }
        if signal { wakeUp.signal() }
        return true
    }

    /// Runs `body` on the loop thread and returns its result; `loopShutDown` if the loop stopped.
    func run<T: Sendable>(
        _ operation: String,
        _ body: @escaping @Sendable (ZeroMQEventLoop) throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let accepted = submit { [self] in
                continuation.resume(with: Result { try body(self) })
            }
            if !accepted {
                continuation.resume(throwing: ZeroMQError.loopShutDown(operation))
            }
        }
    }

    // MARK: sockets

    /// Creates a socket on the loop thread, lets `configure` set options and bind/connect it
    /// there (it runs on the loop thread; a throw closes the socket), and starts polling it.
    ///
    /// - Parameter receiveBufferSize: messages the loop reads ahead of the consumer of
    ///   ``AsyncSocket/messages`` before it stops reading (back-pressure).
    public func makeSocket(
        _ type: SocketType,
        receiveBufferSize: Int = 64,
        configure: @escaping @Sendable (Socket) throws -> Void = { _ in }
    ) async throws -> AsyncSocket {
        try await run("makeSocket(\(type))") { loop in
            if loop.confined.closing { throw ZeroMQError.loopShutDown("makeSocket(\(type))") }
            let socket = try Socket(context: loop.context, type: type)
            do {
                try configure(socket)
            } catch {
                socket.close(linger: .zero)
                throw error
            }
            let channel = ReceiveChannel(capacity: receiveBufferSize, wakeUp: loop.wakeUp)
            if !type.canReceive { channel.finish() }
            loop.confined.nextSocketID += 1
            let id = loop.confined.nextSocketID
            loop.confined.sockets[id] = SocketEntry(socket: socket, channel: channel)
            return AsyncSocket(loop: loop, id: id, type: type, channel: channel)
        }
    }

    /// On the loop thread: the entry for a socket id, or `socketClosed`.
    func entry(_ id: Int, _ operation: @autoclosure () -> String) throws -> SocketEntry {
        guard let entry = confined.sockets[id] else {
            throw confined.closing ? ZeroMQError.loopShutDown(operation()) : ZeroMQError.socketClosed(operation())
        }
        return entry
    }

    func makeSendID() -> UInt64 {
        nextSendID.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// On the loop thread: sends now if nothing is queued ahead, else queues for POLLOUT.
    func send(_ message: Multipart, id sendID: UInt64, socket id: Int, continuation: CheckedContinuation<Void, any Error>) {
        let entry: SocketEntry
        do {
            entry = try self.entry(id, "send")
        } catch {
            continuation.resume(throwing: error)
            return
        }
        if entry.pendingSends.isEmpty {
            do {
                if try entry.socket.trySend(message) {
                    continuation.resume()
                    return
                }
            } catch {
                continuation.resume(throwing: error)
                return
            }
        }
        entry.pendingSends.append(PendingSend(id: sendID, message: message, continuation: continuation))
    }

    /// On the loop thread: sends at once unless earlier sends of the socket wait at the
    /// high-water mark; false when the message must queue for POLLOUT.
    func sendNow(_ message: Multipart, socket id: Int) throws -> Bool {
        let entry = try self.entry(id, "send")
        guard entry.pendingSends.isEmpty else { return false }
        return try entry.socket.trySend(message)
    }

    /// On the loop thread: withdraws a send still waiting at the high-water mark.
    func cancelSend(_ sendID: UInt64, socket id: Int) {
        guard let entry = confined.sockets[id],
            let pending = entry.pendingSends.remove(where: { $0.id == sendID })
        else { return }
        pending.continuation.resume(throwing: CancellationError())
    }

    /// On the loop thread: closes one socket, failing its waiting sends and ending its messages.
    func closeSocket(_ id: Int, linger: Duration?, reason: ZeroMQError, channelError: ZeroMQError? = nil) {
        guard let entry = confined.sockets.removeValue(forKey: id) else { return }
        entry.close(linger: linger, reason: reason, channelError: channelError)
    }

    // MARK: shutdown

    /// Stops the loop: no new work is accepted, waiting sends fail with `loopShutDown`,
    /// message sequences end, every socket is closed on the loop thread with `ZMQ_LINGER`
    /// set to `linger`, and the thread exits. Returns when that is done; bounded because
    /// nothing on the thread blocks. Idempotent.
    public func shutdown(linger: Duration = .zero) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let signal: Bool = shared.withLock { shared in
                switch shared.state {
                case .stopped:
                    return false
                case .running:
                    shared.state = .shuttingDown
                    shared.shutdownLinger = linger
                case .shuttingDown:
                    break
                }
                shared.shutdownWaiters.append(continuation)
                return true
            }
            if signal { wakeUp.signal() } else { continuation.resume() }
        }
    }

    // MARK: the thread

    private func runThread() {
        let me = pthread_self()
        shared.withLock { $0.loopThread = me }

        var pollsSinceIdleRun = 0
        while true {
            // Jobs queue more jobs (a message's consumer resumes, calls an actor, sends): run
            // them all before looking at the sockets again, since every zmq_poll is a system
            // call (bounded, so a chain of jobs cannot starve the sockets).
            var state = RunState.running
            for _ in 0..<Self.jobRoundsPerPoll {
                let (work, current) = shared.withLock { shared in
                    let work = shared.work
                    shared.work.removeAll(keepingCapacity: true)
                    shared.wakeSignalled = false
                    return (work, shared.state)
                }
                state = current
                if work.isEmpty { break }
                run(work)
                if state != .running { break }
            }
            if state != .running { break }
            // Idle callbacks (group commits) wait for the queue to empty, so a group holds as
            // much as it can, but at most `pollsPerIdleRun` polls: under a steady flood the
            // queue may never empty, and commits put off for good would acknowledge nothing
            // (found by `switchboard chaos --rate 300`).
            let (idlePending, noWork) = shared.withLock { (!$0.idle.isEmpty, $0.work.isEmpty) }
            if idlePending {
                if noWork || pollsSinceIdleRun >= Self.pollsPerIdleRun {
                    runIdleCallbacks()
                    pollsSinceIdleRun = 0
                } else {
                    pollsSinceIdleRun += 1
                }
            }
            // Work queued by the jobs just run (actors on this loop) only needs a look at the
            // sockets, not a wait.
            pollOnce(blocking: shared.withLock { $0.work.isEmpty && $0.idle.isEmpty })
        }

        // Shutdown: close everything, then run what was queued meanwhile until the queue
        // is empty, and only then refuse new work (so no continuation is ever dropped).
        confined.closing = true
        let linger = shared.withLock { $0.shutdownLinger }
        closeAll(linger: linger, reason: ZeroMQError.loopShutDown("shutdown"))
        var waiters: [CheckedContinuation<Void, Never>] = []
        while true {
            runIdleCallbacks()
            let work: [Work]? = shared.withLock { shared in
                if shared.work.isEmpty && shared.idle.isEmpty {
                    shared.state = .stopped
                    shared.loopThread = nil
                    waiters = shared.shutdownWaiters
                    shared.shutdownWaiters = []
                    return nil
                }
                let work = shared.work
                shared.work = []
                return work
            }
            guard let work else { break }
            run(work)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// How many rounds of queued jobs run between two polls of the sockets.
    private static let jobRoundsPerPoll = 16
    /// At most this many polls pass, while jobs keep coming, before idle callbacks run anyway.
    private static let pollsPerIdleRun = 4

    private func runIdleCallbacks() {
        let idle: [@Sendable () -> Void] = shared.withLock { shared in
            defer { shared.idle.removeAll() }
            return shared.idle
        }
        for body in idle { body() }
    }

    private func run(_ work: [Work]) {
        for item in work { run(item) }
    }

    private func run(_ item: Work) {
        switch item {
        case .job(let job):
            // On the task executor only, not isolated to a serial executor: a task resumed here
            // runs its nonisolated code at once, where a job run isolated to the loop had to leave
            // that executor first, in a second job (decisions §40). A call into a default actor
            // is a new job either way: the runtime does not switch in place on a task executor (§44).
            job.runSynchronously(on: asUnownedTaskExecutor())
        case .isolatedJob(let job, let executor):
            // Isolated to the actor's executor, and keeping the preference so that the actor's
            // nonisolated calls stay on this thread.
            job.runSynchronously(isolatedTo: executor.asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
        case .closure(let body):
            body()
        }
    }

    private func closeAll(linger: Duration?, reason: ZeroMQError, channelError: ZeroMQError? = nil) {
        let entries = confined.sockets
        confined.sockets = [:]
        for (_, entry) in entries.sorted(by: { $0.key < $1.key }) {
            entry.close(linger: linger, reason: reason, channelError: channelError)
        }
    }

    /// One `zmq_poll` round over the wake-up fd and every socket that wants something.
    private func pollOnce(blocking: Bool) {
        var items = [zmq_pollitem_t(socket: nil, fd: wakeUp.fileDescriptor, events: Int16(ZMQ_POLLIN), revents: 0)]
        var polled: [SocketEntry] = []
        var timeout = blocking ? -1 : 0
        let now = ContinuousClock.now
        for (_, entry) in confined.sockets {
            guard let handle = entry.socket.pollHandle else { continue }
            var events: Int16 = 0
            if entry.socket.type.canReceive, entry.channel.room() > 0 {
                events |= Int16(ZMQ_POLLIN)
            }
            if !entry.pendingSends.isEmpty {
                if let until = entry.backoffUntil, until > now {
                    let wait = Int((until - now).zeroMQMilliseconds) + 1
                    timeout = timeout < 0 ? wait : min(timeout, wait)
                } else {
                    events |= Int16(ZMQ_POLLOUT)
                }
            }
            guard events != 0 else { continue }
            items.append(zmq_pollitem_t(socket: handle, fd: -1, events: events, revents: 0))
            polled.append(entry)
        }

        do {
            _ = try Poll.pollRaw(&items, timeoutMilliseconds: timeout)
        } catch {
            // ETERM (context shut down under us) or worse: polling again would spin, so the
            // sockets are finished; the loop keeps serving jobs until shutdown().
            let failure = error as? ZeroMQError
                ?? ZeroMQError(code: .other, errno: 0, operation: "zmq_poll", message: "\(error)")
            closeAll(linger: .zero, reason: failure, channelError: failure)
            return
        }

        if items[0].revents != 0 { wakeUp.drain() }
        let afterPoll = ContinuousClock.now
        for (index, entry) in polled.enumerated() {
            let revents = items[index + 1].revents
            if revents & Int16(ZMQ_POLLIN) != 0 { entry.receiveAvailable() }
            if revents & Int16(ZMQ_POLLOUT) != 0 { entry.flushSends(now: afterPoll) }
        }
        // Sockets whose back-off expired retry without waiting for POLLOUT.
        for (_, entry) in confined.sockets where !entry.pendingSends.isEmpty {
            if let until = entry.backoffUntil, until <= afterPoll { entry.flushSends(now: afterPoll) }
        }
    }
}

// MARK: TaskExecutor, and a SerialExecutor for actors on the loop

/// A task that prefers the loop (`withTaskExecutorPreference(loop)`, `Task(executorPreference:
/// loop)`) runs its nonisolated code and the methods of default actors on the loop thread, so
/// a process's sockets, state and store commits share one thread with no hop per message
/// (decisions §22).
extension ZeroMQEventLoop: TaskExecutor {
    public func enqueue(_ job: consuming ExecutorJob) {
        enqueueWork(.job(UnownedJob(job)))
    }

    func enqueueWork(_ work: Work) {
        if !submit(work) {
            runLate(work)
        }
    }

    /// The serial executor of every actor isolated to this loop: `nonisolated var
    /// unownedExecutor: UnownedSerialExecutor { loop.actorExecutor.asUnownedSerialExecutor() }`.
    ///
    /// One per loop, so that a call from one such actor to another, in a task that prefers
    /// the loop, runs in place: the runtime switches only between executors that differ
    /// (decisions §45). Such an actor's methods may also use raw `Socket`s synchronously.
    /// An actor keeps its loop in a `let`: the executor refers to the loop without owning it.
    public var actorExecutor: ZeroMQLoopActorExecutor {
        guard let executor = actorExecutorStorage else {
            preconditionFailure("ZeroMQEventLoop.init sets the actor executor")
        }
        return executor
    }

    /// After shutdown: runs jobs serially on whichever thread enqueues first (a trampoline).
    private func runLate(_ work: Work) {
        let me = pthread_self()
        let drain: Bool = shared.withLock { shared in
            shared.lateJobs.append(work)
            if shared.lateJobRunner != nil { return false }
            shared.lateJobRunner = me
            return true
        }
        guard drain else { return }
        while true {
            let next: Work? = shared.withLock { shared in
                if let work = shared.lateJobs.popFirst() { return work }
                shared.lateJobRunner = nil
                return nil
            }
            guard let next else { return }
            run(next)
        }
    }
}

/// For an actor that shares a loop's executor when it has a loop, and keeps one of its own
/// otherwise (unit tests, the fuzzer): `loop?.actorExecutor.asUnownedSerialExecutor() ??
/// own.unownedExecutor`. A default actor that runs nothing itself; an actor may use another
/// actor's executor (SE-0392).
public actor ExecutorOfItsOwn {
    public init() {}
}

/// The loop as an actor's serial executor (`ZeroMQEventLoop.actorExecutor`). A type of
/// its own because the loop's own `enqueue` is the `TaskExecutor`'s, and the two kinds of job
/// must run differently (`ZeroMQEventLoop.run(_:)`).
public final class ZeroMQLoopActorExecutor: SerialExecutor {
    /// Unowned: the loop owns its executor, and whoever uses the executor holds the loop.
    public unowned let loop: ZeroMQEventLoop

    init(loop: ZeroMQEventLoop) {
        self.loop = loop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        loop.enqueueWork(.isolatedJob(UnownedJob(job), self))
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(complexEquality: self)
    }

    /// Two executors of one loop are one thread.
    public func isSameExclusiveExecutionContext(other: ZeroMQLoopActorExecutor) -> Bool {
        loop === other.loop
    }

    public func checkIsolated() {
        precondition(loop.inEventLoop, "not on ZeroMQEventLoop \(loop.name)")
    }
}
