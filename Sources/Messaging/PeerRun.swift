import Wire

/// The run of the process at the other end of a link, known by the prefix of the ids it
/// draws at each start (wire.md section 2), read from the messages it never resends. A new
/// prefix means the peer restarted, perhaps too quickly to have been counted as dead: what it
/// was sent before is lost with the old run and goes again at once (decisions §35).
struct PeerRun: Sendable {
    private var prefix: UInt64?

    /// Notes the sender's run from `envelope`; true when it differs from the run seen before.
    mutating func restarted(_ envelope: Envelope) -> Bool {
        guard envelope.message.alwaysHasAFreshID else { return false }
        defer { prefix = envelope.id.prefix }
        return prefix.map { $0 != envelope.id.prefix } ?? false
    }
}
