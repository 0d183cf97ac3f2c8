import Foundation
import SwitchboardTestSupport
import Testing

@testable import ZeroMQ

/// Binds a socket of `type` on `transport`; returns it and the endpoint peers connect to.
func makeBound(
    _ type: SocketType,
    on loop: ZeroMQEventLoop,
    transport: Transport,
    receiveBufferSize: Int = 64,
    configure: @escaping @Sendable (Socket) throws -> Void = { _ in }
) async throws -> (AsyncSocket, String) {
    let endpoint = transport.bindEndpoint()
    let socket = try await loop.makeSocket(type, receiveBufferSize: receiveBufferSize) { socket in
        try configure(socket)
        try socket.bind(endpoint)
    }
    return (socket, try await socket.lastEndpoint())
}

/// Receives the next message, failing instead of hanging.
func receive(
    _ socket: AsyncSocket,
    within limit: Duration = .seconds(5),
    _ what: String = "receive"
) async throws -> Multipart {
    try await withTimeout(limit, what) {
        var iterator = socket.messages.makeAsyncIterator()
        guard let message = try await iterator.next() else {
            throw TimeoutError(what: "\(what): sequence ended", limit: limit)
        }
        return message
    }
}

/// Sends `message` repeatedly until `receiver` gets something (PUB/SUB slow joiner, TCP
/// connection set-up), and returns what it got.
func sendUntilReceived(
    _ message: Multipart,
    from sender: AsyncSocket,
    to receiver: AsyncSocket,
    within limit: Duration = .seconds(5)
) async throws -> Multipart {
    try await withTimeout(limit, "sendUntilReceived") {
        try await withThrowingTaskGroup(of: Multipart?.self) { group in
            group.addTask {
                var iterator = receiver.messages.makeAsyncIterator()
                return try await iterator.next()
            }
            group.addTask {
                while !Task.isCancelled {
                    try await sender.send(message)
                    try await Task.sleep(for: .milliseconds(10))
                }
                return nil
            }
            defer { group.cancelAll() }
            while let next = try await group.next() {
                if let received = next { return received }
            }
            throw TimeoutError(what: "receiver ended", limit: limit)
        }
    }
}

