/// The Sendable handle to a socket owned by a ``ZeroMQEventLoop``: what services use.
///
/// Every operation is carried out on the loop's thread; the handle itself only holds ids.
/// Close it with ``close()`` (or shut the loop down), not by dropping it.
public struct AsyncSocket: Sendable {
    public let loop: ZeroMQEventLoop
    let id: Int
    public let type: SocketType
    let channel: ReceiveChannel

    init(loop: ZeroMQEventLoop, id: Int, type: SocketType, channel: ReceiveChannel) {
        self.loop = loop
        self.id = id
        self.type = type
        self.channel = channel
    }

    /// Sends one multipart message. Suspends while the socket is at its send high-water mark
    /// (the loop retries when `zmq_poll` reports POLLOUT); messages from one socket leave in
    /// the order their `send` calls reached the loop.
    ///
    /// Throws ``ZeroMQError``: `hostUnreachable` from a ROUTER with `ZMQ_ROUTER_MANDATORY` and
    /// no such peer, `socketClosed`/`loopShutDown` if the socket goes away first; or
    /// `CancellationError` if the task is cancelled while the message is still waiting (it is
    /// then not sent).
    public func send(_ message: Multipart) async throws {
        try Task.checkCancellation()
        let loop = self.loop
        let id = self.id
        // A task already on the loop thread (decisions §22) sends without a round trip.
        if loop.inEventLoop, try loop.sendNow(message, socket: id) { return }
        let sendID = loop.makeSendID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let accepted = loop.submit {
                    loop.send(message, id: sendID, socket: id, continuation: continuation)
                }
                if !accepted {
                    continuation.resume(throwing: ZeroMQError.loopShutDown("send"))
                }
            }
        } onCancel: {
            loop.submit { loop.cancelSend(sendID, socket: id) }
        }
    }

    /// Received messages, in order, from a bounded buffer (`receiveBufferSize` of
    /// ``ZeroMQEventLoop/makeSocket(_:receiveBufferSize:configure:)``). The sequence ends when
    /// the socket is closed (after the buffered messages) and, for one iteration, when the
    /// consuming task is cancelled. Each message goes to exactly one iterator.
    public var messages: Messages { Messages(channel: channel) }

    /// Runs `body` with the raw ``Socket`` on the loop thread, e.g. to subscribe, connect
    /// another endpoint or read ``Socket/lastEndpoint()``.
    public func withSocket<T: Sendable>(_ body: @escaping @Sendable (Socket) throws -> T) async throws -> T {
        let id = self.id
        return try await loop.run("withSocket") { loop in
            try body(try loop.entry(id, "withSocket").socket)
        }
    }

    /// `ZMQ_LAST_ENDPOINT`, e.g. the port chosen when binding `tcp://127.0.0.1:*`.
    public func lastEndpoint() async throws -> String {
        try await withSocket { try $0.lastEndpoint() }
    }

    /// Closes the socket on the loop thread: sends still waiting fail with `socketClosed`,
    /// ``messages`` ends after what is buffered, and libzmq keeps queued output for at most
    /// `linger` (default: the socket's own finite `ZMQ_LINGER`). Returns promptly; idempotent.
    public func close(linger: Duration? = nil) async {
        let id = self.id
        _ = try? await loop.run("close") { loop in
            loop.closeSocket(id, linger: linger, reason: ZeroMQError.socketClosed("send"))
        }
    }
}

extension AsyncSocket {
    /// The messages a socket receives; see ``AsyncSocket/messages``.
    public struct Messages: AsyncSequence, Sendable {
        public typealias Element = Multipart
        let channel: ReceiveChannel

        public func makeAsyncIterator() -> Iterator {
            Iterator(channel: channel)
        }

        public struct Iterator: AsyncIteratorProtocol, Sendable {
            let channel: ReceiveChannel

            public mutating func next() async throws -> Multipart? {
                try await channel.next()
            }

            /// What `for await` calls: runs on the caller's actor, so an actor's receive loop
            /// takes each message without leaving the actor and coming back, a job each way
            /// (decisions §45).
            public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Multipart? {
                try await channel.next()
            }
        }
    }
}
