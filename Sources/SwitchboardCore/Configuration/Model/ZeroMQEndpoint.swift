/// A ZeroMQ endpoint (`tcp://host:port`, `ipc://path`, `inproc://name`).
///
/// The same text is bound by one process and connected to by others, so a tcp host must be
/// a concrete address, not `*`.
public enum ZeroMQEndpoint: Sendable, Hashable, CustomStringConvertible {
    case tcp(host: String, port: Int)
    case ipc(path: String)
    case inproc(name: String)

    public var description: String {
        switch self {
        case .tcp(let host, let port): "tcp://\(host):\(port)"
        case .ipc(let path): "ipc://\(path)"
        case .inproc(let name): "inproc://\(name)"
        }
    }
}
