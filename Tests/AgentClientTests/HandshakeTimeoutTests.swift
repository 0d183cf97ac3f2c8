import AgentClient
import Foundation
import SwitchboardTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A server that takes the agent's connection and its HTTP upgrade request, then closes the
/// connection without an answer: what an agent meets when presence is killed mid-handshake
/// (found by `switchboard chaos`: such an agent never connected again).
private final class ClosesDuringUpgrade: Sendable {
    let port: UInt16
    private let listener: Int32

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EBADF) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                bind(fd, generic, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    /// Accepts one connection on a thread of its own, reads the request, closes.
    func serveOnce() {
        let listener = self.listener
        Thread.detachNewThread {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            var request: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !request.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
                let count = read(connection, &buffer, buffer.count)
                guard count > 0 else { break }
                request.append(contentsOf: buffer[0..<count])
            }
            close(connection)
        }
    }

    func stop() { close(listener) }
}

@Suite(.timeLimit(.minutes(1)))
struct HandshakeTimeoutTests {
    @Test func aConnectionClosedDuringTheUpgradeEndsTheSession() async throws {
        let server = try ClosesDuringUpgrade()
        defer { server.stop() }
        server.serveOnce()
        let session = AgentSession(agentID: "ada", secret: "s", presenceHTTP: "127.0.0.1:\(server.port)")
        let outcome: String = try await withTimeout(.seconds(15), "the session to end") {
            do {
                try await session.run(handshakeTimeout: .seconds(1))
                return "returned"
            } catch {
                return "threw"
            }
        }
        #expect(outcome == "threw", "a session whose server never answered must not look successful")
        // Its events end too, so a reconnect loop moves on.
        let last: AgentEvent? = try await withTimeout(.seconds(5), "the events to end") {
            var last: AgentEvent?
            for await event in session.events { last = event }
            return last
        }
        #expect(last == .closed)
    }
}
