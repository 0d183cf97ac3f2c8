import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one error type of the ZeroMQ module.
///
/// It keeps the raw `errno` next to a classified ``Code`` so callers can tell `EAGAIN`,
/// `EINTR` and `ETERM` apart (older wrappers kept only `zmq_strerror`'s text), plus the
/// operation that failed, for logs.
public struct ZeroMQError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, classified. Extensible: a struct of static members, not an enum.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Value: Sendable, Hashable {
            case wouldBlock, interrupted, contextTerminated, hostUnreachable
            case invalidArgument, addressInUse, notSupported, stateMachine
            case socketClosed, loopShutDown, other
        }
        let value: Value

        /// `EAGAIN`: the operation would block (e.g. send at the high-water mark).
        public static let wouldBlock = Code(value: .wouldBlock)
        /// `EINTR`: interrupted by a signal; the module retries these itself.
        public static let interrupted = Code(value: .interrupted)
        /// `ETERM`: the context was shut down or terminated.
        public static let contextTerminated = Code(value: .contextTerminated)
        /// `EHOSTUNREACH`: a ROUTER with `ZMQ_ROUTER_MANDATORY` has no peer with that routing id.
        public static let hostUnreachable = Code(value: .hostUnreachable)
        /// `EINVAL`: bad argument, e.g. a malformed endpoint.
        public static let invalidArgument = Code(value: .invalidArgument)
        /// `EADDRINUSE`: bind to an endpoint already bound.
        public static let addressInUse = Code(value: .addressInUse)
        /// `ENOTSUP` / `EPROTONOSUPPORT` / `ENOCOMPATPROTO`: not supported by this socket or build.
        public static let notSupported = Code(value: .notSupported)
        /// `EFSM`: the operation is not valid in the socket's current state.
        public static let stateMachine = Code(value: .stateMachine)
        /// Our own: the socket was closed before or during the operation.
        public static let socketClosed = Code(value: .socketClosed)
        /// Our own: the event loop that owns the socket has shut down.
        public static let loopShutDown = Code(value: .loopShutDown)
        /// Any other errno; look at ``ZeroMQError/errno``.
        public static let other = Code(value: .other)

        /// Classifies an errno value as returned by `zmq_errno()`.
        public init(errno: Int32) {
            switch errno {
            case EAGAIN: self = .wouldBlock
            case EINTR: self = .interrupted
            case ZeroMQError.ETERM: self = .contextTerminated
            case EHOSTUNREACH: self = .hostUnreachable
            case EINVAL: self = .invalidArgument
            case EADDRINUSE: self = .addressInUse
            case ENOTSUP, EPROTONOSUPPORT, ZeroMQError.ENOCOMPATPROTO: self = .notSupported
            case ZeroMQError.EFSM: self = .stateMachine
            default: self = .other
            }
        }

        init(value: Value) { self.value = value }

        public var description: String {
            switch value {
            case .wouldBlock: "wouldBlock"
            case .interrupted: "interrupted"
            case .contextTerminated: "contextTerminated"
            case .hostUnreachable: "hostUnreachable"
            case .invalidArgument: "invalidArgument"
            case .addressInUse: "addressInUse"
            case .notSupported: "notSupported"
            case .stateMachine: "stateMachine"
            case .socketClosed: "socketClosed"
            case .loopShutDown: "loopShutDown"
            case .other: "other"
            }
        }
    }

    /// The classified error.
    public var code: Code
    /// The raw errno from libzmq, or 0 for errors of our own (``Code/socketClosed``, ``Code/loopShutDown``).
    public var errno: Int32
    /// The failing call, e.g. `zmq_connect(tcp://127.0.0.1:5550)`.
    public var operation: String
    /// Human-readable text (from `zmq_strerror` for libzmq errors).
    public var message: String

    public init(code: Code, errno: Int32, operation: String, message: String) {
        self.code = code
        self.errno = errno
        self.operation = operation
        self.message = message
    }

    /// An error from an errno value, with libzmq's text for it.
    public init(errno: Int32, operation: String) {
        let text = zmq_strerror(errno).map { String(cString: $0) } ?? "errno \(errno)"
        self.init(code: Code(errno: errno), errno: errno, operation: operation, message: text)
    }

    /// The error libzmq just reported on this thread for `operation`.
    static func last(_ operation: @autoclosure () -> String) -> ZeroMQError {
        ZeroMQError(errno: zmq_errno(), operation: operation())
    }

    static func socketClosed(_ operation: String) -> ZeroMQError {
        ZeroMQError(code: .socketClosed, errno: 0, operation: operation, message: "socket is closed")
    }

    static func loopShutDown(_ operation: String) -> ZeroMQError {
        ZeroMQError(code: .loopShutDown, errno: 0, operation: operation, message: "event loop has shut down")
    }

    public var description: String {
        "ZeroMQError(\(code), errno: \(errno), \(operation)): \(message)"
    }

    // libzmq's own errno values (ZMQ_HAUSNUMERO-based), spelled out because the importer
    // does not reliably bring in macros built from other macros.
    static let hausnumero: Int32 = 156_384_712
    static let EFSM: Int32 = hausnumero + 51
    static let ENOCOMPATPROTO: Int32 = hausnumero + 52
    static let ETERM: Int32 = hausnumero + 53
}
