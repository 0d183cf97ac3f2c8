import HTTPTypes
import HummingbirdWebSocket
import Logging
import NIOCore

/// An adapter whose customers also connect over a WebSocket (live chat): its process serves
/// HTTP/1 with WebSocket upgrades on the same address, and every other route as usual.
///
/// `AdapterProcess` asks for the upgrade decision once the outbox exists, handing over what
/// the sockets need to store messages and to wake the reply dispatcher.
public protocol WebSocketChannelAdapter: ChannelAdapter {
    func webSocketUpgrade(_ parts: WebSocketAdapterParts) -> WebSocketUpgrade
}

/// The shared machinery a WebSocket adapter stores through (the same as the webhook routes').
public struct WebSocketAdapterParts: Sendable {
    public let recorder: InboundRecorder
    public let metrics: IngressMetrics
    /// Nil when the process sends no replies.
    public let replies: ReplyDispatcher?
    public let logger: Logger

    public init(recorder: InboundRecorder, metrics: IngressMetrics, replies: ReplyDispatcher?, logger: Logger) {
        self.recorder = recorder
        self.metrics = metrics
        self.replies = replies
        self.logger = logger
    }
}

/// Which requests become WebSockets, and the largest frame a socket accepts (a larger one
/// closes the socket with 1009, message too big).
public struct WebSocketUpgrade: Sendable {
    public typealias Decision = @Sendable (HTTPRequest, any Channel, Logger) async throws -> ShouldUpgradeResult<
        WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>
    >

    public let maximumFrameBytes: Int
    /// `.dontUpgrade` hands the request to the HTTP routes, which answer why.
    public let shouldUpgrade: Decision

    public init(maximumFrameBytes: Int, shouldUpgrade: @escaping Decision) {
        self.maximumFrameBytes = maximumFrameBytes
        self.shouldUpgrade = shouldUpgrade
    }
}
