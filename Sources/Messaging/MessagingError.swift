import Wire
import ZeroMQ

/// The one error type of the Messaging module: a code, a message and the cause (a
/// `ZeroMQError` from the socket, a `WireError` from encoding).
public struct MessagingError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// `start()` has not run (or failed).
        case notStarted
        /// The link was stopped.
        case stopped
        /// A message could not be encoded.
        case encodingFailed
        /// The socket refused: bind/connect failed, unknown peer (EHOSTUNREACH), socket closed.
        case transport

        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        cause.map { "\(message) (\($0))" } ?? message
    }

    /// The socket's errno-carrying error, when the cause is one (e.g. to tell EHOSTUNREACH).
    public var zeroMQError: ZeroMQError? { cause as? ZeroMQError }
}
