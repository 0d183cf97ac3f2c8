import Messaging

/// The forwarder's link in the process: Messaging's DEALER end, connected to the router's
/// ingress endpoint.
extension DealerLink: ForwardingLink {}
