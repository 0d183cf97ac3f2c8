import CZeroMQ
import Foundation
import SwitchboardTestSupport
import Testing

@testable import ZeroMQ

@Suite("ROUTER addressing")
struct RouterAddressingTests {
    @Test("a ROUTER reaches exactly the DEALER whose routing id it addresses", arguments: Transport.allCases)
    func addressesByRoutingID(transport: Transport) async throws {
        try await withEventLoop { loop in
            let (router, endpoint) = try await makeBound(.router, on: loop, transport: transport) {
                try $0.setRouterMandatory(true)
            }
            defer { Transport.cleanUp(endpoint) }
            let alice = try await loop.makeSocket(.dealer) {
                try $0.setRoutingID("alice")
                try $0.connect(endpoint)
            }
            let bob = try await loop.makeSocket(.dealer) {
                try $0.setRoutingID("bob")
                try $0.connect(endpoint)
            }
            // Both announce themselves, so the ROUTER knows both peers.
            try await alice.send(["READY", "billing"])
            try await bob.send(["READY", "support"])
            var ready: [String: [String]] = [:]
            for _ in 0..<2 {
                let message = try await receive(router)
                ready[message.strings[0]] = Array(message.strings.dropFirst())
            }
            #expect(ready == ["alice": ["READY", "billing"], "bob": ["READY", "support"]])

            try await router.send(Multipart(strings: "bob", "ASSIGN", "conversation-7"))
            #expect(try await receive(bob).strings == ["ASSIGN", "conversation-7"])
            // Alice's first message is the marker sent after Bob's: she never got Bob's.
            try await router.send(Multipart(strings: "alice", "MARKER"))
            #expect(try await receive(alice).strings == ["MARKER"])

            await alice.close()
            await bob.close()
            await router.close()
        }
    }

    @Test("with ROUTER_MANDATORY a send to an unknown peer throws EHOSTUNREACH")
    func mandatoryUnknownPeer() async throws {
        try await withEventLoop { loop in
            let (router, endpoint) = try await makeBound(.router, on: loop, transport: .inproc) {
                try $0.setRouterMandatory(true)
            }
            let error = await #expect(throws: ZeroMQError.self) {
                try await router.send(Multipart(strings: "nobody", "hello"))
            }
            #expect(error?.code == .hostUnreachable)
            #expect(error?.errno == EHOSTUNREACH)

            // Without the option the same send is silently dropped: the option is what matters.
            let lax = try await loop.makeSocket(.router) { try $0.bind(Transport.inproc.bindEndpoint()) }
            try await lax.send(Multipart(strings: "nobody", "hello"))

            // The socket still works afterwards for a known peer.
            let dealer = try await loop.makeSocket(.dealer) {
                try $0.setRoutingID("known")
                try $0.connect(endpoint)
            }
            try await dealer.send(["hi"])
            _ = try await receive(router)
            try await router.send(Multipart(strings: "known", "ack"))
            #expect(try await receive(dealer).strings == ["ack"])
            await dealer.close()
            await lax.close()
            await router.close()
        }
    }

    @Test("a peer that disconnects becomes unreachable with ROUTER_MANDATORY")
    func vanishedPeer() async throws {
        try await withEventLoop { loop in
            let (router, endpoint) = try await makeBound(.router, on: loop, transport: .tcp) {
                try $0.setRouterMandatory(true)
            }
            let dealer = try await loop.makeSocket(.dealer) {
                try $0.setRoutingID("worker")
                try $0.connect(endpoint)
            }
            try await dealer.send(["READY"])
            _ = try await receive(router)
            await dealer.close(linger: .zero)
            // The disconnect reaches the ROUTER asynchronously; poll until the send fails.
            let error: ZeroMQError = try await withTimeout(.seconds(5), "peer removal") {
                while true {
                    do {
                        try await router.send(Multipart(strings: "worker", "ping"))
                        try await Task.sleep(for: .milliseconds(10))
                    } catch let error as ZeroMQError {
                        return error
                    }
                }
            }
            #expect(error.code == .hostUnreachable)
            await router.close()
        }
    }
}
