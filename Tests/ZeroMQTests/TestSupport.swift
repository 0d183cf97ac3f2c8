import Foundation
import Synchronization
import Testing

@testable import ZeroMQ

/// A wait that took too long: the test fails instead of hanging.
struct TimeoutError: Error, CustomStringConvertible {
    let what: String
    let limit: Duration
    var description: String { "timed out after \(limit): \(what)" }
}

/// Resumes a continuation once, from whichever of the work or the timer finishes first.
private final class FirstResult<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, any Error>?>(nil)

    func set(_ continuation: CheckedContinuation<T, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    @discardableResult
    func resume(_ result: Result<T, any Error>) -> Bool {
        guard let continuation = continuation.withLock({ $0.take() }) else { return false }
        continuation.resume(with: result)
        return true
    }
}

/// Runs `body`, failing with `TimeoutError` after `limit`. Returns even if `body` ignores
/// cancellation (the body is left running unstructured), so a hang can never block the suite.
func withTimeout<T: Sendable>(
    _ limit: Duration = .seconds(5),
    _ what: String = "operation",
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let first = FirstResult<T>()
    let work = TaskSlot()
    return try await withCheckedThrowingContinuation { continuation in
        first.set(continuation)
        work.set(
            Task {
                do {
                    first.resume(.success(try await body()))
                } catch {
                    first.resume(.failure(error))
                }
            })
        Task {
            try? await Task.sleep(for: limit)
            if first.resume(.failure(TimeoutError(what: what, limit: limit))) {
                work.cancel()
            }
        }
    }
}

/// Runs `body` with a fresh context and event loop, then shuts both down (bounded).
func withEventLoop<T: Sendable>(
    timeout: Duration = .seconds(10),
    _ body: @escaping @Sendable (ZeroMQEventLoop) async throws -> T
) async throws -> T {
    let context = try ZeroMQContext()
    let loop = try ZeroMQEventLoop(context: context, name: "test-loop")
    let result: Result<T, any Error>
    do {
        result = .success(try await withTimeout(timeout, "test body") { try await body(loop) })
    } catch {
        result = .failure(error)
    }
    try await withTimeout(.seconds(3), "loop shutdown") { await loop.shutdown() }
    try await withTimeout(.seconds(3), "context terminate") { try context.terminate() }
    return try result.get()
}

/// The three transports the module must work over.
enum Transport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inproc, ipc, tcp

    var testDescription: String { rawValue }

    /// A fresh endpoint to bind; read the socket's `lastEndpoint()` to connect (TCP picks a port).
    func bindEndpoint() -> String {
        let unique = UUID().uuidString.prefix(12).lowercased()
        switch self {
        case .inproc: return "inproc://test-\(unique)"
        case .ipc: return "ipc:///tmp/switchboard-zmq-test-\(unique).sock"
        case .tcp: return "tcp://127.0.0.1:*"
        }
    }

    /// Deletes the socket file an `ipc://` endpoint leaves behind.
    static func cleanUp(_ endpoint: String) {
        if endpoint.hasPrefix("ipc://") {
            try? FileManager.default.removeItem(atPath: String(endpoint.dropFirst("ipc://".count)))
        }
    }
}

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

/// A thread-safe counter/collector for tests.
final class Collector<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    func append(_ element: Element) { items.withLock { $0.append(element) } }
    var all: [Element] { items.withLock { $0 } }
    var count: Int { items.withLock { $0.count } }
}

/// A thread-safe counter (an `Atomic` local cannot be shared with child tasks).
final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    func increment() { value.add(1, ordering: .relaxed) }
    var current: Int { value.load(ordering: .relaxed) }
}

/// A task handle settable after the fact, shared with the timer.
private final class TaskSlot: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)
    func set(_ task: Task<Void, Never>) { self.task.withLock { $0 = task } }
    func cancel() { task.withLock { $0?.cancel() } }
}
