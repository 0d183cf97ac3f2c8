// Messages of every link (control.proto).

/// Liveness beat (type 0x0001).
public struct Heartbeat: Sendable, Hashable {
    /// Required: the sending process's name.
    public var sender: String
    public var sentAtMs: Int64
    /// On the presence PUB socket: the last published AgentUpdate sequence; 0 elsewhere.
    public var lastSequence: UInt64

    public init(sender: String, sentAtMs: Int64 = 0, lastSequence: UInt64 = 0) {
        self.sender = sender
        self.sentAtMs = sentAtMs
        self.lastSequence = lastSequence
    }
}

/// Why a peer disconnects. Informational: unknown values are kept as `unrecognized`.
public enum DisconnectReason: Sendable, Hashable {
    case unspecified
    case shutdown
    case protocolError
    case heartbeatTimeout
    case replaced
    case unrecognized(Int)
}

/// "I am going away" (type 0x0002).
public struct Disconnect: Sendable, Hashable {
    /// Required.
    public var sender: String
    public var reason: DisconnectReason
    public var detail: String

    public init(sender: String, reason: DisconnectReason = .unspecified, detail: String = "") {
        self.sender = sender
        self.reason = reason
        self.detail = detail
    }
}

// MARK: protobuf mapping

extension Heartbeat: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_Heartbeat) throws(WireError) {
        self.init(
            sender: try requireID(proto.sender, "sender"),
            sentAtMs: proto.sentAtMs,
            lastSequence: proto.lastSequence)
    }

    var proto: Switchboard_Wire_V1_Heartbeat {
        var proto = Switchboard_Wire_V1_Heartbeat()
        proto.sender = sender
        proto.sentAtMs = sentAtMs
        proto.lastSequence = lastSequence
        return proto
    }
}

extension DisconnectReason {
    init(proto: Switchboard_Wire_V1_DisconnectReason) {
        switch proto {
        case .unspecified: self = .unspecified
        case .shutdown: self = .shutdown
        case .protocolError: self = .protocolError
        case .heartbeatTimeout: self = .heartbeatTimeout
        case .replaced: self = .replaced
        case .UNRECOGNIZED(let raw): self = .unrecognized(raw)
        }
    }

    var proto: Switchboard_Wire_V1_DisconnectReason {
        switch self {
        case .unspecified: .unspecified
        case .shutdown: .shutdown
        case .protocolError: .protocolError
        case .heartbeatTimeout: .heartbeatTimeout
        case .replaced: .replaced
        case .unrecognized(let raw): Switchboard_Wire_V1_DisconnectReason(rawValue: raw) ?? .unspecified
        }
    }
}

extension Disconnect: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_Disconnect) throws(WireError) {
        self.init(
            sender: try requireID(proto.sender, "sender"),
            reason: DisconnectReason(proto: proto.reason),
            detail: proto.detail)
    }

    var proto: Switchboard_Wire_V1_Disconnect {
        var proto = Switchboard_Wire_V1_Disconnect()
        proto.sender = sender
        proto.reason = reason.proto
        proto.detail = detail
        return proto
    }
}
