/// A work stream: routing and work-distribution settings shared by channels of one type (spec W1).
public struct WorkStream: Sendable, Hashable {
    public let name: String
    public let channelType: ChannelType
    /// Ids of the channel instances whose conversations use this work stream.
    public let channels: [String]
    /// Capacity units one conversation of this work stream uses.
    public let capacity: Int
    /// Live chat only: the conversation survives the session and may auto-close.
    public let persistentChat: Bool
    /// Waiting → Closed after this long without activity; nil means never.
    public let autoCloseAfterInactivity: Duration?
    public let distribution: DistributionMode
    public let allowedPresences: Set<BasePresence>
    /// Push only: agents may also take Open conversations from open work items (D3).
    public let selectFromPush: Bool
    /// Push only: Waiting → Active goes first to the last agent (D4). Always false for pick.
    public let agentAffinity: Bool
    public let wrapUpCapacity: WrapUpCapacity
    public let contextVariables: [ContextVariable]
    /// Evaluated top down; the first match wins (W3).
    public let routingRules: [RoutingRule]
    /// Where a conversation goes when no rule matches.
    public let fallbackQueue: String

    public init(
        name: String, channelType: ChannelType, channels: [String], capacity: Int,
        persistentChat: Bool, autoCloseAfterInactivity: Duration?, distribution: DistributionMode,
        allowedPresences: Set<BasePresence>, selectFromPush: Bool, agentAffinity: Bool,
        wrapUpCapacity: WrapUpCapacity, contextVariables: [ContextVariable],
        routingRules: [RoutingRule], fallbackQueue: String
    ) {
        self.name = name
        self.channelType = channelType
        self.channels = channels
        self.capacity = capacity
        self.persistentChat = persistentChat
        self.autoCloseAfterInactivity = autoCloseAfterInactivity
        self.distribution = distribution
        self.allowedPresences = allowedPresences
        self.selectFromPush = selectFromPush
        self.agentAffinity = agentAffinity
        self.wrapUpCapacity = wrapUpCapacity
        self.contextVariables = contextVariables
        self.routingRules = routingRules
        self.fallbackQueue = fallbackQueue
    }

    public var streamType: StreamType { channelType.streamType }

    /// The declared context variable with this name, if any.
    public func contextVariable(named name: String) -> ContextVariable? {
        contextVariables.first { $0.name == name }
    }

    /// Every queue this work stream can route to: rule targets, then the fallback.
    public var targetQueues: [String] {
        var seen = Set<String>()
        return (routingRules.map(\.queue) + [fallbackQueue]).filter { seen.insert($0).inserted }
    }
}

/// How conversations reach agents (spec W1, D1, D2).
public enum DistributionMode: String, Sendable, Hashable, CaseIterable, ConfigurationEnum {
    case push, pick
}

/// Whether a conversation in wrap-up still holds the agent's capacity (W1, D6).
public enum WrapUpCapacity: Sendable, Hashable, CustomStringConvertible {
    /// Wrap-up holds capacity until the conversation is closed (the default).
    case always
    /// Wrap-up frees capacity at once.
    case never
    /// Wrap-up holds capacity for this long, then frees it.
    case duration(Duration)

    public var description: String {
        switch self {
        case .always: "always"
        case .never: "never"
        case .duration(let duration): ConfigurationDuration.format(duration)
        }
    }
}
