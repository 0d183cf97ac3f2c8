/// The one error type of the distribution core: a code to branch on and a message for people.
public struct DistributionError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: Hashable, Sendable {
            case invalidTransition, unknownQueue, unknownWorkStream
        }
        fileprivate let value: Value

        /// A move between conversation states that D5 does not allow.
        public static let invalidTransition = Code(value: .invalidTransition)
        /// A queue that this distributor does not own or the configuration does not declare.
        public static let unknownQueue = Code(value: .unknownQueue)
        /// A work stream the configuration does not declare.
        public static let unknownWorkStream = Code(value: .unknownWorkStream)

        public var description: String {
            switch value {
            case .invalidTransition: "invalid transition"
            case .unknownQueue: "unknown queue"
            case .unknownWorkStream: "unknown work stream"
            }
        }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
