/// The one error type of the distribution core: a code to branch on and a message for people.
public struct DistributionError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Value: Hashable, Sendable {
            case invalidTransition, unknownQueue, unknownWorkStream, alreadyTaken, notAllowed
            case unknownConversation, unknownTarget
        }
        fileprivate let value: Value

        /// A move between conversation states that D5 does not allow.
        public static let invalidTransition = Code(value: .invalidTransition)
        /// A queue that this distributor does not own or the configuration does not declare.
        public static let unknownQueue = Code(value: .unknownQueue)
        /// A work stream the configuration does not declare.
        public static let unknownWorkStream = Code(value: .unknownWorkStream)
        /// D2: another agent took the conversation first.
        public static let alreadyTaken = Code(value: .alreadyTaken)
        /// G5: not the agent's conversation, not in their queues, or not open for picking.
        public static let notAllowed = Code(value: .notAllowed)
        /// No conversation with that id here (never seen, closed, or transferred away).
        public static let unknownConversation = Code(value: .unknownConversation)
        /// A transfer to a queue or agent that does not exist.
        public static let unknownTarget = Code(value: .unknownTarget)

        public var description: String {
            switch value {
            case .invalidTransition: "invalid transition"
            case .unknownQueue: "unknown queue"
            case .unknownWorkStream: "unknown work stream"
            case .alreadyTaken: "already taken"
            case .notAllowed: "not allowed"
            case .unknownConversation: "unknown conversation"
            case .unknownTarget: "unknown target"
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
