#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Loopback TCP ports that were free a moment ago, for generated configurations (bench,
/// chaos) and tests. Every socket stays bound until all ports are chosen, so none repeats.
///
/// Chosen below the kernel's ephemeral range (`/proc/sys/net/ipv4/ip_local_port_range`):
/// there the kernel never hands the port to someone else's `bind(…:0)` or to an outgoing
/// connection's source port. The latter matters when a process restarts on its port while
/// peers keep reconnecting to it: a connect to an ephemeral port nobody listens on can pick
/// that same port as its source and connect to itself (TCP simultaneous open), and the
/// restarted process then fails to bind ("Address already in use", seen in a test run).
public enum LoopbackPorts {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func allocate(_ count: Int) throws(Failure) -> [Int] {
        let candidates = Self.candidates
        var descriptors: [Int32] = []
        defer { for descriptor in descriptors { close(descriptor) } }
        var ports: [Int] = []
        for port in candidates.shuffled() where ports.count < count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw Failure(description: "cannot open a socket to find a free port") }
            if bindLoopback(descriptor, port: port) {
                descriptors.append(descriptor)
                ports.append(port)
            } else {
                close(descriptor)
            }
        }
        guard ports.count == count else { throw Failure(description: "only \(ports.count) of \(count) loopback ports are free in \(candidates)") }
        return ports
    }

    /// From 10,000 up to the start of the ephemeral range (32,768 by default).
    static var candidates: Range<Int> {
        let text = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let low = text.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32_768
        return 10_000..<max(low, 10_001)
    }

    private static func bindLoopback(_ descriptor: Int32, port: Int) -> Bool {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
