/// The one error type of the Router module: a code to branch on, a message, the cause.
public struct RouterError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// The journal could not be opened.
        case journalUnavailable
        /// A link could not bind or start.
        case linkFailed
        /// A stored delivery could not be encoded or read back.
        case corruptDelivery

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

    public var description: String { cause.map { "\(message) (\($0))" } ?? message }
}
