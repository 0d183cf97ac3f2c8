import Foundation
import HTTPTypes
import HummingbirdWebSocket
import Logging
import SwitchboardCore

/// Live chat (spec I2, docs/channels/chat.md): serves each chat channel's widget page and
/// its WebSocket. Visitor messages arrive over the socket and are stored through the same
/// outbox as every webhook (answered `ack` after the commit); the HTTP routes only serve the
/// widget's files and explain refused socket requests.
public struct ChatChannelAdapter: WebSocketChannelAdapter {
    let hub: ChatHub
    let helloTimeout: Duration
    let now: @Sendable () -> Date

    public init(hub: ChatHub, helloTimeout: Duration = .seconds(10), now: @escaping @Sendable () -> Date = { Date() }) {
        self.hub = hub
        self.helloTimeout = helloTimeout
        self.now = now
    }

    public var channelType: ChannelType { .chat }

    public var routes: [AdapterRoute] {
        ["/chat/:channelId", "/chat/:channelId/widget.js", "/chat/:channelId/widget.css", "/chat/:channelId/ws"].map {
            AdapterRoute(method: .get, path: $0, maximumBodyBytes: 0)
        }
    }

    public func receive(_ request: RawRequest) async -> AdapterVerdict {
        let channelID = request.parameters["channelId"] ?? ""
        guard let channel = hub.channels[channelID] else {
            return .reject(IngressRejection(.unknownChannel, "no chat channel \"\(channelID.prefix(64))\""))
        }
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        if path.hasSuffix("/widget.js") { return .respond(ChatWidgetAssets.script) }
        if path.hasSuffix("/widget.css") { return .respond(ChatWidgetAssets.stylesheet) }
        if path.hasSuffix("/ws") {
            // Reached only when the socket was not opened: say why.
            let origins = request.headers[values: .origin]
            guard channel.allows(origins: origins, host: request.header("Host")) else {
                let shown = ChatChannel.pageOrigins(origins).joined(separator: ", ").prefix(128)
                return .reject(.signature("origin \(shown) may not open chat channel \(channelID)"))
            }
            return .reject(.malformed("GET /chat/\(channelID)/ws is a WebSocket: send the upgrade headers"))
        }
        return .respond(ChatWidgetAssets.page(channel))
    }

    /// Nothing is stored from the HTTP routes.
    public func answer(_ request: RawRequest, stored: [StoredMessage]) -> AdapterResponse {
        .json(.ok, [("status", .string("ok"))])
    }

    public func webSocketUpgrade(_ parts: WebSocketAdapterParts) -> WebSocketUpgrade {
        WebSocketUpgrade(maximumFrameBytes: ChatSocketHandler.maximumFrameBytes) { [hub, helloTimeout, now] head, _, _ in
            guard let channelID = Self.socketChannelID(head.path ?? ""), let channel = hub.channels[channelID] else { return .dontUpgrade }
            let origins = head.headerFields[values: .origin]
            guard channel.allows(origins: origins, host: head.authority) else { return .dontUpgrade }
            let origin = ChatChannel.pageOrigins(origins).first
            let handler = ChatSocketHandler(
                channel: channel, origin: origin, hub: hub, parts: parts, helloTimeout: helloTimeout, now: now)
            return .upgrade([:]) { inbound, outbound, _ in
                try await handler.run(inbound: inbound, outbound: outbound)
            }
        }
    }

    /// `/chat/<channelId>/ws` (query ignored) → the channel id.
    static func socketChannelID(_ path: String) -> String? {
        let route = path.split(separator: "?", maxSplits: 1).first ?? ""
        let parts = route.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "chat", !parts[2].isEmpty, parts[3] == "ws" else { return nil }
        return String(parts[2])
    }
}
