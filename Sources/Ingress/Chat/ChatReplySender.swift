import Foundation
import SwitchboardCore
import Wire

/// Delivers agent replies to chat visitors (M1): the "provider" is the visitor's open
/// socket. The reply's `customerAddress` is the visitor key the adapter gave the message.
///
/// - Visitor connected: the reply is added to their transcript (once per reply id), then
///   pushed to every open socket of theirs → `.sent`. The first reply of an agent in a
///   conversation is preceded by `agentJoined`.
/// - Not connected: `.retryable`. The dispatcher keeps the reply and retries with back-off;
///   when the visitor reconnects the socket asks it to retry now (`ReplyDispatcher.retryNow`).
public struct ChatReplySender: ProviderReplySender {
    let hub: ChatHub
    let now: @Sendable () -> Date

    public init(hub: ChatHub, now: @escaping @Sendable () -> Date = { Date() }) {
        self.hub = hub
        self.now = now
    }

    public var channelType: ChannelType { .chat }

    public func send(_ reply: AgentReply, replyID: MessageID) async -> ProviderSendOutcome {
        guard hub.channels[reply.channelInstanceID] != nil else {
            return .permanent(reason: "no chat channel '\(reply.channelInstanceID)'")
        }
        let key = ChatConnections.Key(channelID: reply.channelInstanceID, visitorKey: reply.customerAddress)
        guard hub.connections.isConnected(key) else { return .retryable(reason: "visitor not connected") }
        let entry: ChatVisitorStore.Entry
        do {
            let atMs = reply.sentAtMs > 0 ? reply.sentAtMs : Int64((now().timeIntervalSince1970 * 1000).rounded())
            entry = try await hub.store.appendReply(
                channelID: reply.channelInstanceID, key: reply.customerAddress, replyID: replyID.description,
                conversationID: reply.conversationID, agentID: reply.agentID, text: reply.text, atMs: atMs)
        } catch {
            return .retryable(reason: "cannot add the reply to the visitor's transcript: \(error)")
        }
        let frames = hub.item(entry).map(ChatServerFrame.item)
        guard hub.connections.push(frames, to: key) > 0 else { return .retryable(reason: "visitor disconnected") }
        return .sent(providerMessageID: replyID.description)
    }
}
