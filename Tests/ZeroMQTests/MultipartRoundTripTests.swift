import SwitchboardTestSupport
import Testing

@testable import ZeroMQ

@Suite("Multipart round trips")
struct MultipartRoundTripTests {
    /// Frames that catch truncation, reordering, merging and lost empty frames.
    static let frames: [[UInt8]] = [
        Array("header".utf8),
        [],
        Array(0...255),
        Array(repeating: 0xAB, count: 300_000),
        Array("last".utf8),
    ]

    @Test("DEALER to ROUTER and back keeps every frame exactly", arguments: Transport.allCases)
    func dealerRouterRoundTrip(transport: Transport) async throws {
        try await withEventLoop { loop in
            let (router, endpoint) = try await makeBound(.router, on: loop, transport: transport)
            defer { Transport.cleanUp(endpoint) }
            let dealer = try await loop.makeSocket(.dealer) { socket in
                try socket.setRoutingID("dealer-1")
                try socket.connect(endpoint)
            }

            try await dealer.send(Multipart(Self.frames))
            let request = try await receive(router)
            #expect(request.frames == [Array("dealer-1".utf8)] + Self.frames)

            // Echo back: the ROUTER strips the routing id frame, the DEALER sees the rest.
            try await router.send(Multipart(request.frames.reversed().dropLast()).addressed(to: request.frames[0]))
            let reply = try await receive(dealer)
            #expect(reply.frames == Self.frames.reversed())

            await dealer.close()
            await router.close()
        }
    }

    @Test("PUSH to PULL keeps message order and frames", arguments: Transport.allCases)
    func pushPull(transport: Transport) async throws {
        try await withEventLoop { loop in
            let (pull, endpoint) = try await makeBound(.pull, on: loop, transport: transport)
            defer { Transport.cleanUp(endpoint) }
            let push = try await loop.makeSocket(.push) { try $0.connect(endpoint) }
            for index in 0..<100 {
                try await push.send(Multipart(strings: "n", "\(index)"))
            }
            var received: [Multipart] = []
            for try await message in pull.messages {
                received.append(message)
                if received.count == 100 { break }
            }
            #expect(received == (0..<100).map { Multipart(strings: "n", "\($0)") })
            await push.close()
            await pull.close()
        }
    }

    @Test("Multipart conveniences")
    func conveniences() {
        let message: Multipart = ["a", "", "ü"]
        #expect(message.frames == [[0x61], [], [0xC3, 0xBC]])
        #expect(message.strings == ["a", "", "ü"])
        #expect(message.addressed(to: [1, 2]).frames.first == [1, 2])
        #expect(Multipart(strings: "x", "y") == Multipart([[0x78], [0x79]]))
    }
}
