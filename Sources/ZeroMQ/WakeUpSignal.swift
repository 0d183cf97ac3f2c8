import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The event loop's wake-up fd: an `eventfd` that `zmq_poll` watches beside the sockets,
/// written from any thread when there is new work or room in a receive buffer.
/// `Sendable`: the fd is immutable, and eventfd reads/writes are thread-safe.
final class WakeUpSignal: Sendable {
    let fileDescriptor: Int32

    init() throws {
        let fd = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        if fd < 0 {
            let errno = errno
            throw ZeroMQError(
                code: .other, errno: errno, operation: "eventfd",
                message: String(cString: strerror(errno)))
        }
        self.fileDescriptor = fd
    }

    deinit {
        close(fileDescriptor)
    }

    /// Makes the fd readable. The counter only grows, so repeated signals coalesce.
    func signal() {
        var one: UInt64 = 1
        while write(fileDescriptor, &one, MemoryLayout<UInt64>.size) < 0 && errno == EINTR {}
    }

    /// Resets the fd to not readable (on the loop thread, after `zmq_poll` reported it).
    func drain() {
        var value: UInt64 = 0
        while read(fileDescriptor, &value, MemoryLayout<UInt64>.size) < 0 && errno == EINTR {}
    }
}
