/// The one error type of the Distributor module: a code, a message for people, the cause.
public struct DistributorError: Error, CustomStringConvertible, Sendable {
    public enum Code: String, Sendable, Hashable, CustomStringConvertible {
        /// `--name` names no distributor of the configuration.
        case unknownDistributor
        /// A queue of `--queues` is not in the configuration.
        case unknownQueue
        /// The router refused our Ready: another distributor owns a queue (one owner at a time).
        case readyRefused
        /// A store or link failed.
        case failed

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
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
