/// Whether the peer at the other end of one link is alive, and when to send it a heartbeat
/// (zguide ch. 4, "Paranoid Pirate").
///
/// Any traffic counts as a sign of life, in both directions: a busy link sends no extra
/// heartbeats. A peer from which nothing arrived for `missedBeatsBeforeDead` intervals is
/// dead. libzmq's own TCP keepalive only notices dead TCP connections, not a hung process
/// or an `ipc://` peer, hence this.
///
/// A pure state machine: the owner passes the time in and acts on what comes out, so tests
/// drive it with a manual clock.
public struct PeerLiveness<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public struct Settings: Sendable, Equatable {
        public var heartbeatInterval: Duration
        public var missedBeatsBeforeDead: Int

        public init(heartbeatInterval: Duration = .seconds(1), missedBeatsBeforeDead: Int = 3) {
            self.heartbeatInterval = heartbeatInterval
            self.missedBeatsBeforeDead = max(1, missedBeatsBeforeDead)
        }

        /// How long without traffic from the peer before it is declared dead.
        public var deadAfter: Duration { heartbeatInterval * missedBeatsBeforeDead }
    }

    /// What the owner must do after `tick`.
    public struct Actions: Sendable, Equatable {
        /// Nothing was sent for a whole interval: send a heartbeat now.
        public var sendHeartbeat: Bool
        /// The peer just crossed the silence limit: treat it as gone (once per death).
        public var peerDied: Bool
    }

    public let settings: Settings
    public private(set) var lastReceived: Instant
    public private(set) var lastSent: Instant
    public private(set) var isPeerAlive: Bool

    /// A new link counts as alive from `now`: the peer gets the full grace period to speak.
    public init(settings: Settings = Settings(), now: Instant) {
        self.settings = settings
        self.lastReceived = now
        self.lastSent = now
        self.isPeerAlive = true
    }

    /// Whether a message arriving at `now` ends a silence longer than the peer's heartbeats
    /// allow (one and a half intervals): the peer restarted or stalled, though maybe not for
    /// long enough to count as dead.
    public func endsSilence(at now: Instant) -> Bool {
        lastReceived.advanced(by: settings.heartbeatInterval * 3 / 2) < now
    }

    /// Any message from the peer arrived. Returns true when this revives a dead peer.
    @discardableResult
    public mutating func received(at now: Instant) -> Bool {
        lastReceived = now
        defer { isPeerAlive = true }
        return !isPeerAlive
    }

    /// We sent the peer something (a heartbeat or any other message).
    public mutating func sent(at now: Instant) {
        lastSent = now
    }

    /// Decides what is due at `now`. Call it at `nextDeadline` (or any time earlier).
    public mutating func tick(at now: Instant) -> Actions {
        let sendHeartbeat = lastSent.advanced(by: settings.heartbeatInterval) <= now
        var peerDied = false
        if isPeerAlive, lastReceived.advanced(by: settings.deadAfter) <= now {
            isPeerAlive = false
            peerDied = true
        }
        return Actions(sendHeartbeat: sendHeartbeat, peerDied: peerDied)
    }

    /// The next time `tick` may have something to do.
    public var nextDeadline: Instant {
        let heartbeatDue = lastSent.advanced(by: settings.heartbeatInterval)
        guard isPeerAlive else { return heartbeatDue }
        return min(heartbeatDue, lastReceived.advanced(by: settings.deadAfter))
    }
}
