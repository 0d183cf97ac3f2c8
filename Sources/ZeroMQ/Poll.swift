import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ZMQ_POLLIN` / `ZMQ_POLLOUT` / `ZMQ_POLLERR`.
public struct PollEvents: OptionSet, Sendable, Hashable {
    public var rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let input = PollEvents(rawValue: Int16(ZMQ_POLLIN))
    public static let output = PollEvents(rawValue: Int16(ZMQ_POLLOUT))
    public static let error = PollEvents(rawValue: Int16(ZMQ_POLLERR))
}

/// One entry of a `zmq_poll` set: a socket or a plain file descriptor.
/// Not `Sendable`: it refers to a thread-confined ``Socket``.
public struct PollItem {
    public enum Target {
        case socket(Socket)
        case fileDescriptor(Int32)
    }

    public var target: Target
    /// What to wait for.
    public var events: PollEvents
    /// What happened, filled in by ``Poll/poll(_:timeout:)``.
    public var returnedEvents: PollEvents = []

    public init(_ socket: Socket, events: PollEvents) {
        self.target = .socket(socket)
        self.events = events
    }

    public init(fileDescriptor: Int32, events: PollEvents) {
        self.target = .fileDescriptor(fileDescriptor)
        self.events = events
    }
}

/// `zmq_poll`, on the thread that owns the sockets.
public enum Poll {
    /// Waits until an item is ready or `timeout` passes (`nil`: forever; `.zero`: don't wait),
    /// fills in `returnedEvents` and returns how many items are ready. `EINTR` returns 0 so
    /// the caller's loop re-evaluates; closed sockets throw ``ZeroMQError/Code/socketClosed``.
    @discardableResult
    public static func poll(_ items: inout [PollItem], timeout: Duration?) throws -> Int {
        var raw = [zmq_pollitem_t]()
        raw.reserveCapacity(items.count)
        for item in items {
            switch item.target {
            case .socket(let socket):
                guard let handle = socket.pollHandle else { throw ZeroMQError.socketClosed("zmq_poll") }
                raw.append(zmq_pollitem_t(socket: handle, fd: -1, events: item.events.rawValue, revents: 0))
            case .fileDescriptor(let fd):
                raw.append(zmq_pollitem_t(socket: nil, fd: fd, events: item.events.rawValue, revents: 0))
            }
        }
        let ready = try pollRaw(&raw, timeoutMilliseconds: timeout.map { Int($0.zeroMQMilliseconds) } ?? -1)
        for index in items.indices {
            items[index].returnedEvents = PollEvents(rawValue: raw[index].revents)
        }
        return ready
    }

    static func pollRaw(_ items: inout [zmq_pollitem_t], timeoutMilliseconds: Int) throws -> Int {
        let count = Int32(items.count)
        let rc = items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, count, timeoutMilliseconds) }
        if rc >= 0 { return Int(rc) }
        let errno = zmq_errno()
        if errno == EINTR { return 0 }
        throw ZeroMQError(errno: errno, operation: "zmq_poll(\(count) items, \(timeoutMilliseconds) ms)")
    }
}
