import SwitchboardCore

/// Where the router's two ROUTER sockets bind (config `processes.router`, flags override).
public struct RouterEndpoints: Sendable, Hashable {
    /// Ingress adapters connect here.
    public var ingress: String
    /// Distributors connect here.
    public var distributor: String

    public init(ingress: String, distributor: String) {
        self.ingress = ingress
        self.distributor = distributor
    }

    public init(_ process: RouterProcess) {
        self.init(ingress: process.ingressEndpoint.description, distributor: process.distributorEndpoint.description)
    }
}
