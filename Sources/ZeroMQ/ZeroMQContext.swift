import CZeroMQ
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A libzmq context. Thread-safe (libzmq guarantees it), so `Sendable`.
///
/// Order of shutdown (design.md, "ZeroMQ confinement"): ``shutdown()`` to make blocking
/// calls return `ETERM`, close every socket on its own thread (``ZeroMQEventLoop/shutdown(linger:)``),
/// then ``terminate()``. `zmq_ctx_term` with open sockets hangs, so `terminate` refuses
/// while sockets made from this context are still open.
public final class ZeroMQContext: Sendable {
    // libzmq contexts are thread-safe; the pointer is immutable after init.
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer
    private let state = Mutex(State())

    private struct State {
        var openSockets = 0
        var terminated = false
    }

    /// Creates a context. `ioThreads` is libzmq's I/O thread count (1 is plenty below ~1 GB/s).
    public init(ioThreads: Int32 = 1) throws {
        guard let handle = zmq_ctx_new() else {
            throw ZeroMQError.last("zmq_ctx_new")
        }
        self.handle = handle
        if ioThreads != 1, zmq_ctx_set(handle, ZMQ_IO_THREADS, ioThreads) != 0 {
            let error = ZeroMQError.last("zmq_ctx_set(ZMQ_IO_THREADS, \(ioThreads))")
            zmq_ctx_term(handle)
            throw error
        }
    }

    deinit {
        // Sockets keep their context alive, so every socket is gone by now and
        // zmq_ctx_term cannot wait on an open one (only on lingering messages).
        if !state.withLock({ $0.terminated }) {
            Self.term(handle)
        }
    }

    /// `zmq_ctx_shutdown`: blocking calls on this context's sockets return `ETERM` from now on.
    /// Non-blocking; sockets must still be closed before ``terminate()``.
    public func shutdown() throws {
        if zmq_ctx_shutdown(handle) != 0 {
            throw ZeroMQError.last("zmq_ctx_shutdown")
        }
    }

    /// Number of sockets made from this context and not yet closed.
    public var openSocketCount: Int { state.withLock { $0.openSockets } }

    /// `zmq_ctx_term`, retried on `EINTR`. Blocks at most for the longest linger of the
    /// sockets closed with messages still queued; throws ``ZeroMQError/Code/stateMachine``
    /// instead of hanging if sockets are still open. Idempotent.
    public func terminate() throws {
        let proceed: Result<Bool, ZeroMQError> = state.withLock { state in
            if state.terminated { return .success(false) }
            if state.openSockets > 0 {
                return .failure(
                    ZeroMQError(
                        code: .stateMachine, errno: 0, operation: "zmq_ctx_term",
                        message: "\(state.openSockets) socket(s) still open; close them first"))
            }
            state.terminated = true
            return .success(true)
        }
        if try proceed.get() {
            Self.term(handle)
        }
    }

    private static func term(_ handle: UnsafeMutableRawPointer) {
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    // Bookkeeping for `terminate`'s guard; called by `Socket`.
    func socketOpened() throws {
        try state.withLock { state in
            if state.terminated {
                throw ZeroMQError(errno: ZeroMQError.ETERM, operation: "zmq_socket")
            }
            state.openSockets += 1
        }
    }

    func socketClosed() {
        state.withLock { $0.openSockets -= 1 }
    }
}
