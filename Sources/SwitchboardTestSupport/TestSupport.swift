// Test support shared by the test targets (hummingbird's HummingbirdTesting does the same):
// bounded waits, a ZeroMQ loop per test, endpoints per transport, thread-safe collectors.
import Foundation
import Synchronization
import Testing

import ProcessRuntime
import ZeroMQ

/// A wait that took too long: the test fails instead of hanging.
public struct TimeoutError: Error, CustomStringConvertible {
    public let what: String
    public let limit: Duration
    public init(what: String, limit: Duration) {
        self.what = what
        self.limit = limit
    }
    public var description: String { "timed out after \(limit): \(what)" }
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
public func withTimeout<T: Sendable>(
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
public func withEventLoop<T: Sendable>(
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
public enum Transport: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inproc, ipc, tcp

    public var testDescription: String { rawValue }

    /// A fresh endpoint to bind; read the socket's `lastEndpoint()` to connect (TCP picks a port).
    public func bindEndpoint() -> String {
        let unique = UUID().uuidString.prefix(12).lowercased()
        switch self {
        case .inproc: return "inproc://test-\(unique)"
        // Linux's abstract namespace: the socket leaves no file behind when the test ends.
        case .ipc: return "ipc://@switchboard-zmq-test-\(unique)"
        case .tcp: return "tcp://127.0.0.1:*"
        }
    }

    /// Deletes the socket file an `ipc://` endpoint leaves behind.
    public static func cleanUp(_ endpoint: String) {
        if endpoint.hasPrefix("ipc://") {
            try? FileManager.default.removeItem(atPath: String(endpoint.dropFirst("ipc://".count)))
        }
    }
}

/// A thread-safe counter/collector for tests.
public final class Collector<Element: Sendable>: Sendable {
    private let items = Mutex<[Element]>([])
    public init() {}
    public func append(_ element: Element) { items.withLock { $0.append(element) } }
    public var all: [Element] { items.withLock { $0 } }
    public var count: Int { items.withLock { $0.count } }
}

/// A thread-safe counter (an `Atomic` local cannot be shared with child tasks).
public final class Counter: Sendable {
    private let value = Atomic<Int>(0)
    public init() {}
    public func increment() { value.add(1, ordering: .relaxed) }
    public var current: Int { value.load(ordering: .relaxed) }
}

/// A task handle settable after the fact, shared with the timer.
private final class TaskSlot: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)
    func set(_ task: Task<Void, Never>) { self.task.withLock { $0 = task } }
    func cancel() { task.withLock { $0?.cancel() } }
}

/// A fresh directory under the system's temporary folder, removed by `remove()`.
public struct TemporaryDirectory: Sendable {
    public let path: String

    public init(_ label: String = "switchboard-test") throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Loopback TCP ports that were free a moment ago, below the kernel's ephemeral range (see
/// `LoopbackPorts`): a test that restarts a process on its port while peers reconnect cannot
/// lose the port to a connection to itself. Tests that bind a port, close it and bind it again
/// later take it from here, not from `tcp://127.0.0.1:*`.
public enum FreePorts {
    public static func allocate(_ count: Int) throws -> [Int] { try LoopbackPorts.allocate(count) }

    /// One `tcp://127.0.0.1:PORT` endpoint.
    public static func endpoint() throws -> String { "tcp://127.0.0.1:\(try allocate(1)[0])" }
}
