/// The one error type of the Ingress module: a code to branch on, a message for people,
/// and the underlying cause.
public struct IngressError: Error, CustomStringConvertible, Sendable {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: Hashable, Sendable {
            case missingSecret, invalidConfiguration, storeFailed, encodingFailed
        }
        fileprivate let value: Value

        /// An environment variable named by a channel's secret reference is unset or empty.
        public static let missingSecret = Code(value: .missingSecret)
        /// The configuration cannot be read or does not fit this process.
        public static let invalidConfiguration = Code(value: .invalidConfiguration)
        /// The outbox could not be read or written.
        public static let storeFailed = Code(value: .storeFailed)
        /// A message could not be encoded for the wire.
        public static let encodingFailed = Code(value: .encodingFailed)

        public var description: String {
            switch value {
            case .missingSecret: "missing secret"
            case .invalidConfiguration: "invalid configuration"
            case .storeFailed: "store failed"
            case .encodingFailed: "encoding failed"
            }
        }
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
