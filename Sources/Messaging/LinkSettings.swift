import Wire

/// Timing of one link (wire.md section 4): heartbeats, death, resends.
public struct LinkSettings: Sendable, Equatable {
    /// A beat is sent after this long without sending anything.
    public var heartbeatInterval: Duration
    /// The peer is dead after this many intervals without any traffic from it.
    public var missedHeartbeatsBeforeDead: Int
    /// Resend timing of `sendReliably` (first after 2 s, doubling to 30 s).
    public var resend: AcknowledgementTracker<MessageID, ContinuousClock.Instant>.Settings
    /// libzmq's per-peer queue limits; past them `send` waits (back-pressure).
    public var highWaterMark: Int32

    public init(
        heartbeatInterval: Duration = .seconds(1),
        missedHeartbeatsBeforeDead: Int = 3,
        resend: AcknowledgementTracker<MessageID, ContinuousClock.Instant>.Settings = .init(),
        highWaterMark: Int32 = 10_000
    ) {
        self.heartbeatInterval = heartbeatInterval
        self.missedHeartbeatsBeforeDead = missedHeartbeatsBeforeDead
        self.resend = resend
        self.highWaterMark = highWaterMark
    }

    var liveness: PeerLiveness<ContinuousClock.Instant>.Settings {
        .init(heartbeatInterval: heartbeatInterval, missedBeatsBeforeDead: missedHeartbeatsBeforeDead)
    }

    /// How often a link's timer looks at its deadlines: often enough that beats and deaths
    /// are on time to a quarter interval, rarely enough to cost nothing.
    var timerResolution: Duration { heartbeatInterval / 4 }
}

/// The peer at the other end of a ROUTER socket: its ZeroMQ routing id (our DEALERs set it
/// to their process name, e.g. `distributor-1`, so logs and metrics can name them).
public struct PeerID: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ name: String) { self.bytes = Array(name.utf8) }

    /// The routing id as text when it is printable UTF-8, else as hex.
    public var description: String {
        if let text = String(validating: bytes, as: UTF8.self),
            text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7f })
        {
            return text
        }
        return "0x" + bytes.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}

/// Changes of a peer's liveness, for the link's owner (re-announce, re-route, …).
public enum LinkEvent: Sendable, Equatable {
    /// First traffic from a new peer, or traffic again from one that was dead, or (a
    /// `DealerLink`'s peer) from a new run of it that restarted too quickly to seem dead.
    case peerAlive(PeerID)
    /// Nothing heard from the peer for `missedHeartbeatsBeforeDead` intervals.
    case peerDead(PeerID)
}
