#if canImport(Glibc)
import Glibc
#endif

/// Loopback TCP ports free a moment ago, for the bench's generated configuration (the same
/// approach as the tests' `FreePorts`, which lives in a test-only module): every socket stays
/// bound until all ports are chosen, so none repeats.
enum LoopbackPorts {
    static func allocate(_ count: Int) throws(BenchError) -> [Int] {
        var descriptors: [Int32] = []
        defer { for descriptor in descriptors { close(descriptor) } }
        var ports: [Int] = []
        for _ in 0..<count {
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard descriptor >= 0 else { throw BenchError(.setupFailed, "cannot open a socket to find a free port") }
            descriptors.append(descriptor)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                    bind(descriptor, address, length) == 0 && getsockname(descriptor, address, &length) == 0
                }
            }
            guard bound else { throw BenchError(.setupFailed, "cannot bind a loopback port") }
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}
