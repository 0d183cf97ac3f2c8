/// A send waiting for room at the high-water mark.
struct PendingSend {
    let id: UInt64
    let message: Multipart
    let continuation: CheckedContinuation<Void, any Error>
}

/// What the loop keeps per socket. Confined to the loop thread (not Sendable).
final class SocketEntry {
    let socket: Socket
    let channel: ReceiveChannel
    var pendingSends = FIFO<PendingSend>()
    /// Set when POLLOUT fired but the head message still would block (see the file header of
    /// ZeroMQEventLoop.swift): poll without POLLOUT until then.
    var backoffUntil: ContinuousClock.Instant?

    init(socket: Socket, channel: ReceiveChannel) {
        self.socket = socket
        self.channel = channel
    }

    /// Sends queued messages in order until one would block.
    func flushSends(now: ContinuousClock.Instant) {
        var progressed = false
        while let head = pendingSends.first {
            do {
                guard try socket.trySend(head.message) else { break }
                _ = pendingSends.popFirst()
                head.continuation.resume()
            } catch {
                _ = pendingSends.popFirst()
                head.continuation.resume(throwing: error)
            }
            progressed = true
        }
        backoffUntil = (progressed || pendingSends.isEmpty) ? nil : now.advanced(by: .milliseconds(1))
    }

    /// Reads as many whole messages as the consumer's buffer has room for.
    func receiveAvailable() {
        let room = channel.room()
        var batch: [Multipart] = []
        while batch.count < room {
            do {
                guard let message = try socket.tryReceive() else { break }
                batch.append(message)
            } catch {
                channel.deliver(batch)
                channel.finish(error as? ZeroMQError)
                return
            }
        }
        channel.deliver(batch)
    }

    /// Fails waiting sends with `reason`, ends the message sequence and closes the socket.
    func close(linger: Duration?, reason: ZeroMQError, channelError: ZeroMQError?) {
        for pending in pendingSends.removeAll() {
            pending.continuation.resume(throwing: reason)
        }
        channel.finish(channelError)
        socket.close(linger: linger)
    }
}
