import Foundation
import Synchronization

/// The visitors' open sockets, by channel and visitor key: where the reply sender pushes.
/// A visitor may have several (two tabs); each gets every push.
public final class ChatConnections: Sendable {
    struct Key: Hashable, Sendable {
        let channelID: String
        let visitorKey: String
    }

    private let sockets = Mutex<[Key: [ChatConnection]]>([:])

    public init() {}

    func add(_ connection: ChatConnection, for key: Key) {
        sockets.withLock { $0[key, default: []].append(connection) }
    }

    func remove(_ connection: ChatConnection, for key: Key) {
        sockets.withLock { all in
            all[key]?.removeAll { $0 === connection }
            if all[key]?.isEmpty == true { all[key] = nil }
        }
    }

    func isConnected(_ key: Key) -> Bool {
        sockets.withLock { $0[key]?.isEmpty == false }
    }

    /// Queues `frames` on every socket of the visitor but `except`; how many sockets took them.
    func push(_ frames: [String], to key: Key, except: ChatConnection? = nil) -> Int {
        let connections = sockets.withLock { $0[key] ?? [] }.filter { $0 !== except }
        return connections.reduce(0) { count, connection in connection.push(frames) ? count + 1 : count }
    }
}

/// One socket's outgoing frames, written in order by one task. Frames pushed before the
/// socket is `open`ed (between registering it and sending `welcome`) wait behind `welcome`.
final class ChatConnection: Sendable {
    private struct State {
        var opened = false
        var held: [String] = []
    }

    let frames: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation
    private let state = Mutex(State())

    init() {
        (frames, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1_000))
    }

    /// Sends `first`, then whatever was pushed meanwhile.
    func open(first: String) {
        state.withLock { state in
            continuation.yield(first)
            for frame in state.held { continuation.yield(frame) }
            state.held = []
            state.opened = true
        }
    }

    /// Queues frames in order; false when the socket is gone.
    func push(_ frames: [String]) -> Bool {
        state.withLock { state in
            guard state.opened else {
                state.held += frames
                return true
            }
            for frame in frames {
                if case .terminated = continuation.yield(frame) { return false }
            }
            return true
        }
    }

    func close() {
        continuation.finish()
    }
}
