import CZeroMQ
import Foundation
import SwitchboardTestSupport
import Testing

@testable import ZeroMQ

@Suite("Errors keep errno")
struct ZeroMQErrorTests {
    @Test("errno values are classified and kept")
    func classification() {
        let cases: [(Int32, ZeroMQError.Code)] = [
            (EAGAIN, .wouldBlock), (EINTR, .interrupted), (ZeroMQError.ETERM, .contextTerminated),
            (EHOSTUNREACH, .hostUnreachable), (EINVAL, .invalidArgument), (EADDRINUSE, .addressInUse),
            (ZeroMQError.EFSM, .stateMachine), (ENOENT, .other),
        ]
        for (errno, code) in cases {
            let error = ZeroMQError(errno: errno, operation: "op")
            #expect(error.code == code, "errno \(errno)")
            #expect(error.errno == errno)
        }
        // EAGAIN, EINTR and ETERM stay distinguishable, and the text comes from zmq_strerror.
        #expect(ZeroMQError(errno: ZeroMQError.ETERM, operation: "x").message == "Context was terminated")
        #expect(ZeroMQError.ETERM == ETERM)
    }

    @Test("durations become milliseconds, never seconds")
    func milliseconds() {
        #expect(Duration.seconds(2).zeroMQMilliseconds == 2000)
        #expect(Duration.milliseconds(250).zeroMQMilliseconds == 250)
        #expect(Duration.microseconds(1500).zeroMQMilliseconds == 1)
        #expect(Duration.seconds(-1).zeroMQMilliseconds == 0)
        #expect(Duration.seconds(Int64.max).zeroMQMilliseconds == Int32.max)
    }

    @Test("connecting to a malformed endpoint gives EINVAL with the endpoint in the operation")
    func malformedEndpoint() async throws {
        try await withEventLoop { loop in
            let socket = try await loop.makeSocket(.dealer)
            let error = await #expect(throws: ZeroMQError.self) {
                try await socket.withSocket { try $0.connect("tcp://not a host") }
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.errno == EINVAL)
            #expect(error?.operation == "zmq_connect(tcp://not a host)")

            let unknownTransport = await #expect(throws: ZeroMQError.self) {
                try await socket.withSocket { try $0.connect("carrier-pigeon://x") }
            }
            #expect(unknownTransport?.code == .notSupported)
            #expect(unknownTransport?.errno == EPROTONOSUPPORT)
            await socket.close()
        }
    }

    @Test("binding an endpoint twice gives EADDRINUSE; a configure error closes the socket")
    func addressInUse() async throws {
        try await withEventLoop { loop in
            let (first, endpoint) = try await makeBound(.router, on: loop, transport: .tcp)
            let error = await #expect(throws: ZeroMQError.self) {
                _ = try await loop.makeSocket(.router) { try $0.bind(endpoint) }
            }
            #expect(error?.code == .addressInUse)
            #expect(error?.errno == EADDRINUSE)
            #expect(loop.context.openSocketCount == 1)
            await first.close()
            #expect(loop.context.openSocketCount == 0)
        }
    }

    @Test("operations on a closed socket or a stopped loop fail with our own codes")
    func closedAndShutDown() async throws {
        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context)
        let socket = try await loop.makeSocket(.push) { try $0.bind(Transport.inproc.bindEndpoint()) }
        await socket.close()
        let closed = await #expect(throws: ZeroMQError.self) { try await socket.send(["x"]) }
        #expect(closed?.code == .socketClosed)
        #expect(closed?.errno == 0)

        await loop.shutdown()
        let stopped = await #expect(throws: ZeroMQError.self) { try await socket.send(["x"]) }
        #expect(stopped?.code == .loopShutDown)
        let noNewSockets = await #expect(throws: ZeroMQError.self) { _ = try await loop.makeSocket(.pull) }
        #expect(noNewSockets?.code == .loopShutDown)
        try context.terminate()
    }

    @Test("terminating a context with an open socket is refused instead of hanging")
    func terminateWithOpenSocket() async throws {
        let context = try ZeroMQContext()
        let loop = try ZeroMQEventLoop(context: context)
        _ = try await loop.makeSocket(.dealer)
        let error = #expect(throws: ZeroMQError.self) { try context.terminate() }
        #expect(error?.code == .stateMachine)
        await loop.shutdown()
        #expect(context.openSocketCount == 0)
        try context.terminate()
        try context.terminate()  // idempotent
    }

    @Test("an empty message is rejected, not sent")
    func emptyMessage() async throws {
        try await withEventLoop { loop in
            let socket = try await loop.makeSocket(.push) { try $0.bind(Transport.inproc.bindEndpoint()) }
            let error = await #expect(throws: ZeroMQError.self) { try await socket.send(Multipart([])) }
            #expect(error?.code == .invalidArgument)
            await socket.close()
        }
    }
}
