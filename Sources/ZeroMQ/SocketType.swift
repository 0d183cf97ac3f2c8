import CZeroMQ

/// The socket types Switchboard uses.
public enum SocketType: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case dealer, router, pub, sub, push, pull

    var rawValue: Int32 {
        switch self {
        case .dealer: ZMQ_DEALER
        case .router: ZMQ_ROUTER
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        }
    }

    /// Whether the type can receive at all (PUB and PUSH cannot), so the loop never polls
    /// them for input.
    public var canReceive: Bool {
        switch self {
        case .pub, .push: false
        case .dealer, .router, .sub, .pull: true
        }
    }

    /// Whether the type can send at all (SUB and PULL cannot).
    public var canSend: Bool {
        switch self {
        case .sub, .pull: false
        case .dealer, .router, .pub, .push: true
        }
    }

    public var description: String {
        switch self {
        case .dealer: "DEALER"
        case .router: "ROUTER"
        case .pub: "PUB"
        case .sub: "SUB"
        case .push: "PUSH"
        case .pull: "PULL"
        }
    }
}
