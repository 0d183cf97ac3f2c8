import JSONText
import Wire

/// A distributor's connection as presence sees it: its ROUTER routing id.
public struct DistributorPeer: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// A distributor's DEALER routing id is its configured name (decisions §6).
    public init(distributorName name: String) { self.bytes = Array(name.utf8) }

    public var description: String { bytes.map { String($0, radix: 16) }.joined() }
}

/// How `PresenceCoordinator` reaches the sockets. `PresenceLinks` wires these to the
/// RouterLink and PublisherLink; tests record them.
public struct PresenceOutlets: Sendable {
    /// Publish on the PUB socket (AgentUpdate, Heartbeat).
    public var publish: @Sendable (WireMessage) async throws -> Void
    /// Send once (answers: Grant, Deny, ReleaseAck, SnapshotReply, Ack).
    public var send: @Sendable (Envelope, DistributorPeer) async throws -> Void
    /// Send and resend (same id) until the answer naming its id arrives (OfferReply, AgentAction).
    public var sendReliably: @Sendable (Envelope, DistributorPeer) async throws -> Void

    public init(
        publish: @escaping @Sendable (WireMessage) async throws -> Void,
        send: @escaping @Sendable (Envelope, DistributorPeer) async throws -> Void,
        sendReliably: @escaping @Sendable (Envelope, DistributorPeer) async throws -> Void
    ) {
        self.publish = publish
        self.send = send
        self.sendReliably = sendReliably
    }
}

/// What a WebSocket session is told to do.
public enum AgentOutbound: Sendable, Hashable {
    case frame(JSONValue)
    /// A frame whose sender waits for it to be written to the socket (a customer message:
    /// presence acknowledges it to the distributor only then, so one queued to a connection
    /// that is closing is sent again rather than lost).
    case frameThen(JSONValue, WriteReceipt)
    /// Close the connection (after a final `error` frame).
    case close(reason: String)
}

/// A live agent session: the frames for its socket.
public struct AgentSession: Sendable {
    public let agentID: String
    public let id: UInt64
    public let outbound: AsyncStream<AgentOutbound>
}

/// Runs its action once the frame it travels with is written to the agent's socket. A frame
/// never written (the session ended first) never runs it.
public final class WriteReceipt: Sendable, Hashable {
    private let action: @Sendable () -> Void

    public init(_ action: @escaping @Sendable () -> Void) { self.action = action }

    /// The frame is written.
    public func written() { action() }

    public static func == (lhs: WriteReceipt, rhs: WriteReceipt) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}
