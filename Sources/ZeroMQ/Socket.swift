import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A libzmq socket, used only on the thread that created it.
///
/// Deliberately not `Sendable`: libzmq sockets are not thread-safe, and the compiler keeps
/// a `Socket` on its owning thread (normally a ``ZeroMQEventLoop``'s thread, reached through
/// ``AsyncSocket/withSocket(_:)``, the `configure` closure of
/// ``ZeroMQEventLoop/makeSocket(_:receiveBufferSize:configure:)``, or an actor whose executor
/// is the loop). All calls are non-blocking; `EINTR` is retried.
public final class Socket {
    /// The default `ZMQ_LINGER` given to every new socket: finite, so closing a socket and
    /// terminating the context never wait forever on an absent peer.
    public static let defaultLinger: Duration = .milliseconds(100)

    public let type: SocketType
    let context: ZeroMQContext
    private var handle: UnsafeMutableRawPointer?
    // Reused message buffers; heap-allocated so the zmq_msg_t never moves while initialised.
    private let message: UnsafeMutablePointer<zmq_msg_t>

    /// Creates a socket on the calling thread, with ``defaultLinger``.
    public init(context: ZeroMQContext, type: SocketType) throws {
        try context.socketOpened()
        guard let handle = zmq_socket(context.handle, type.rawValue) else {
            context.socketClosed()
            throw ZeroMQError.last("zmq_socket(\(type))")
        }
        self.type = type
        self.context = context
        self.handle = handle
        self.message = .allocate(capacity: 1)
        do {
            try setLinger(Self.defaultLinger)
        } catch {
            close(linger: .zero)
            throw error
        }
    }

    deinit {
        // Safety net only: a Socket is not Sendable, so it is released on its owning thread.
        // Owners close explicitly (the event loop always does).
        close(linger: .zero)
        message.deallocate()
    }

    /// Whether ``close(linger:)`` has been called.
    public var isClosed: Bool { handle == nil }

    /// Closes the socket (idempotent). `linger`, if given, replaces `ZMQ_LINGER` first so
    /// queued messages are kept at most that long.
    public func close(linger: Duration? = nil) {
        guard let handle else { return }
        if let linger {
            var value = linger.zeroMQMilliseconds
            zmq_setsockopt(handle, ZMQ_LINGER, &value, MemoryLayout<Int32>.size)
        }
        zmq_close(handle)
        self.handle = nil
        context.socketClosed()
    }

    // MARK: endpoints

    public func bind(_ endpoint: String) throws {
        try call("zmq_bind(\(endpoint))") { zmq_bind($0, endpoint) }
    }

    public func connect(_ endpoint: String) throws {
        try call("zmq_connect(\(endpoint))") { zmq_connect($0, endpoint) }
    }

    public func unbind(_ endpoint: String) throws {
        try call("zmq_unbind(\(endpoint))") { zmq_unbind($0, endpoint) }
    }

    public func disconnect(_ endpoint: String) throws {
        try call("zmq_disconnect(\(endpoint))") { zmq_disconnect($0, endpoint) }
    }

    /// `ZMQ_LAST_ENDPOINT`: the endpoint last bound, with the port chosen for `tcp://host:*`.
    public func lastEndpoint() throws -> String {
        let handle = try requireHandle("getsockopt(ZMQ_LAST_ENDPOINT)")
        var buffer = [CChar](repeating: 0, count: 1024)
        var size = buffer.count
        let rc = buffer.withUnsafeMutableBytes { zmq_getsockopt(handle, ZMQ_LAST_ENDPOINT, $0.baseAddress, &size) }
        if rc != 0 { throw ZeroMQError.last("getsockopt(ZMQ_LAST_ENDPOINT)") }
        let bytes = buffer.prefix(max(0, size - 1)).map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    // MARK: options

    /// `ZMQ_LINGER`, in milliseconds. Keep it finite.
    public func setLinger(_ linger: Duration) throws {
        try setOption(ZMQ_LINGER, linger.zeroMQMilliseconds, "ZMQ_LINGER")
    }

    /// `ZMQ_SNDHWM`: messages queued per peer before sends block (0 means no limit).
    public func setSendHighWaterMark(_ messages: Int32) throws {
        try setOption(ZMQ_SNDHWM, messages, "ZMQ_SNDHWM")
    }

    /// `ZMQ_RCVHWM`: messages queued per peer on receive before the peer is pushed back.
    public func setReceiveHighWaterMark(_ messages: Int32) throws {
        try setOption(ZMQ_RCVHWM, messages, "ZMQ_RCVHWM")
    }

    /// `ZMQ_ROUTING_ID`: the id a ROUTER peer sees for this socket. Set before connect.
    public func setRoutingID(_ id: [UInt8]) throws {
        try setBytesOption(ZMQ_ROUTING_ID, id, "ZMQ_ROUTING_ID")
    }

    public func setRoutingID(_ id: String) throws {
        try setRoutingID(Array(id.utf8))
    }

    /// `ZMQ_ROUTER_MANDATORY`: a ROUTER send to an unknown peer fails with
    /// ``ZeroMQError/Code/hostUnreachable`` instead of being dropped silently.
    public func setRouterMandatory(_ on: Bool) throws {
        try setOption(ZMQ_ROUTER_MANDATORY, Int32(on ? 1 : 0), "ZMQ_ROUTER_MANDATORY")
    }

    /// `ZMQ_ROUTER_HANDOVER`: a peer reconnecting with a routing id the ROUTER still holds
    /// (a restarted process whose old connection is not torn down yet) takes the id over,
    /// instead of being refused until the old connection times out.
    public func setRouterHandover(_ on: Bool) throws {
        try setOption(ZMQ_ROUTER_HANDOVER, Int32(on ? 1 : 0), "ZMQ_ROUTER_HANDOVER")
    }

    /// `ZMQ_SUBSCRIBE`: a SUB receives messages whose first frame starts with `prefix`
    /// (an empty prefix subscribes to everything).
    public func subscribe(_ prefix: [UInt8]) throws {
        try setBytesOption(ZMQ_SUBSCRIBE, prefix, "ZMQ_SUBSCRIBE")
    }

    public func subscribe(_ prefix: String) throws {
        try subscribe(Array(prefix.utf8))
    }

    public func unsubscribe(_ prefix: [UInt8]) throws {
        try setBytesOption(ZMQ_UNSUBSCRIBE, prefix, "ZMQ_UNSUBSCRIBE")
    }

    public func unsubscribe(_ prefix: String) throws {
        try unsubscribe(Array(prefix.utf8))
    }

    /// `ZMQ_IMMEDIATE`: queue messages only to completed connections.
    public func setImmediate(_ on: Bool) throws {
        try setOption(ZMQ_IMMEDIATE, Int32(on ? 1 : 0), "ZMQ_IMMEDIATE")
    }

    /// `ZMQ_RCVBUF`: the kernel receive buffer of the socket's connections, in bytes (the
    /// kernel then stops growing it by itself). E.g. for a peer that must push back soon.
    public func setKernelReceiveBuffer(bytes: Int32) throws {
        try setOption(ZMQ_RCVBUF, bytes, "ZMQ_RCVBUF")
    }

    /// `ZMQ_RECONNECT_IVL`, in milliseconds.
    public func setReconnectInterval(_ interval: Duration) throws {
        try setOption(ZMQ_RECONNECT_IVL, interval.zeroMQMilliseconds, "ZMQ_RECONNECT_IVL")
    }

    /// `ZMQ_EVENTS`: whether a message can be received / sent right now without blocking.
    public func events() throws -> PollEvents {
        let handle = try requireHandle("getsockopt(ZMQ_EVENTS)")
        var value: Int32 = 0
        var size = MemoryLayout<Int32>.size
        if zmq_getsockopt(handle, ZMQ_EVENTS, &value, &size) != 0 {
            throw ZeroMQError.last("getsockopt(ZMQ_EVENTS)")
        }
        return PollEvents(rawValue: Int16(truncatingIfNeeded: value))
    }

    // MARK: messages

    /// Sends all frames of `message` without blocking. Returns `false`, having sent nothing,
    /// when the socket is at its send high-water mark (`EAGAIN`).
    ///
    /// Atomic: libzmq checks the high-water mark on the first frame only, and once it accepts
    /// the first frame with `ZMQ_SNDMORE` it accepts the rest of the message.
    public func trySend(_ message: Multipart) throws -> Bool {
        let handle = try requireHandle("zmq_send(\(type))")
        guard !message.frames.isEmpty else {
            throw ZeroMQError(
                code: .invalidArgument, errno: EINVAL, operation: "zmq_send(\(type))",
                message: "a message needs at least one frame")
        }
        let last = message.frames.count - 1
        for (index, frame) in message.frames.enumerated() {
            let flags = ZMQ_DONTWAIT | (index == last ? 0 : ZMQ_SNDMORE)
            if zmq_msg_init_size(self.message, frame.count) != 0 {
                throw ZeroMQError.last("zmq_msg_init_size(\(frame.count))")
            }
            if !frame.isEmpty, let data = zmq_msg_data(self.message) {
                frame.withUnsafeBytes { bytes in
                    if let base = bytes.baseAddress { data.copyMemory(from: base, byteCount: bytes.count) }
                }
            }
            while zmq_msg_send(self.message, handle, flags) < 0 {
                let errno = zmq_errno()
                if errno == EINTR { continue }
                zmq_msg_close(self.message)
                if errno == EAGAIN && index == 0 { return false }
                throw ZeroMQError(errno: errno, operation: "zmq_send(\(type), frame \(index + 1) of \(last + 1))")
            }
        }
        return true
    }

    /// Receives one whole message without blocking, or `nil` if none is queued (`EAGAIN`).
    public func tryReceive() throws -> Multipart? {
        let handle = try requireHandle("zmq_msg_recv(\(type))")
        var frames: [[UInt8]] = []
        if zmq_msg_init(message) != 0 { throw ZeroMQError.last("zmq_msg_init") }
        defer { zmq_msg_close(message) }
        while true {
            if zmq_msg_recv(message, handle, ZMQ_DONTWAIT) < 0 {
                let errno = zmq_errno()
                if errno == EINTR { continue }
                if errno == EAGAIN && frames.isEmpty { return nil }
                throw ZeroMQError(errno: errno, operation: "zmq_msg_recv(\(type))")
            }
            let size = zmq_msg_size(message)
            if size > 0, let data = zmq_msg_data(message) {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            // All frames of a message arrive together, so the loop never waits here.
            if zmq_msg_more(message) == 0 { return Multipart(frames) }
        }
    }

    // MARK: plumbing

    /// The raw handle, for `zmq_poll`; nil once closed.
    var pollHandle: UnsafeMutableRawPointer? { handle }

    private func requireHandle(_ operation: @autoclosure () -> String) throws -> UnsafeMutableRawPointer {
        guard let handle else { throw ZeroMQError.socketClosed(operation()) }
        return handle
    }

    private func call(_ operation: @autoclosure () -> String, _ body: (UnsafeMutableRawPointer) -> Int32) throws {
        let handle = try requireHandle(operation())
        while body(handle) != 0 {
            let errno = zmq_errno()
            if errno != EINTR { throw ZeroMQError(errno: errno, operation: operation()) }
        }
    }

    private func setOption(_ option: Int32, _ value: Int32, _ name: String) throws {
        var value = value
        try call("setsockopt(\(name), \(value))") {
            zmq_setsockopt($0, option, &value, MemoryLayout<Int32>.size)
        }
    }

    private func setBytesOption(_ option: Int32, _ bytes: [UInt8], _ name: String) throws {
        try call("setsockopt(\(name), \(bytes.count) bytes)") { handle in
            bytes.withUnsafeBytes { zmq_setsockopt(handle, option, $0.baseAddress, $0.count) }
        }
    }
}

extension Duration {
    /// Whole milliseconds, as libzmq options and `zmq_poll` want them (never seconds),
    /// clamped to `Int32`; negative durations become 0.
    var zeroMQMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        if milliseconds.overflow { return seconds < 0 ? 0 : .max }
        let total = milliseconds.partialValue.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        if total.overflow { return .max }
        return Int32(clamping: max(0, total.partialValue))
    }
}
