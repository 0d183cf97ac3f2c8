import Messaging

/// The forwarder's link in the process: Messaging's DEALER end, connected to the router's
/// ingress endpoint. The forwarder runs on the link's executor, the process's loop.
extension DealerLink: ForwardingLink {
    public nonisolated var sharedExecutor: UnownedSerialExecutor? { unownedExecutor }
}
