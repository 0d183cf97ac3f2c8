import Wire

/// What the forwarder needs of its link to the router: Messaging's `DealerLink` in the
/// process, conformed in `DealerLink+ForwardingLink.swift`. A protocol so the forwarder's
/// logic does not depend on how the link is built.
public protocol ForwardingLink: Sendable {
    associatedtype Inbound: AsyncSequence<Envelope, Never>

    func start() async throws
    func stop() async
    /// Sent now and resent with the same id until an answer naming the id arrives.
    func sendReliably(_ envelope: Envelope) async throws
    /// The same for a message already encoded (a row just committed to the outbox).
    func sendReliably(_ encoded: EncodedEnvelope) async throws
    /// Sent once, untracked: answers (an `AgentReplyAck`).
    func send(_ envelope: Envelope) async throws
    var isPeerAlive: Bool { get async }
    /// Every received message but heartbeats; one consumer.
    var inbound: Inbound { get }
    /// The serial executor the forwarder shares with the link, so that its calls to the link
    /// run in place instead of as a job each way (decisions §45); nil: the forwarder keeps
    /// an executor of its own.
    var sharedExecutor: UnownedSerialExecutor? { get }
}

extension ForwardingLink {
    public var sharedExecutor: UnownedSerialExecutor? { nil }
}
