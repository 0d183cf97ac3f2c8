import SwitchboardCore
import Wire

/// A part of a webhook that is not stored, and whether that is routine.
struct MetaSkip: Error {
    let reason: String
    let kind: MetaSkips.Kind

    static func routine(_ reason: String) -> Self { Self(reason: reason, kind: .routine) }
    static func unusable(_ reason: String) -> Self { Self(reason: reason, kind: .unusable) }

    /// The message, or an unusable skip when the router would refuse it at decode (an id over
    /// the wire's bound, decisions §38). Meta batches many messages in a POST and retries the
    /// whole POST on an error answer, so one such message is skipped, not the batch refused.
    static func receivable(_ message: InboundMessage) -> Result<InboundMessage, MetaSkip> {
        do throws(WireError) {
            try message.checkReceivable()
            return .success(message)
        } catch {
            return .failure(.unusable("message the router would refuse (\(error.code))"))
        }
    }
}

extension MessengerPayload.Event {
    /// The customer message this event carries, or why it is not one. Echoes of the page's
    /// own sends and events without a `message` (delivery, read, postback, reaction, optin,
    /// referral) are routine skips.
    func inboundMessage(pageID: String, channelID: String, receivedAtMs: Int64) -> Result<InboundMessage, MetaSkip> {
        guard let message else { return .failure(.routine("event without a message (delivery, read, postback, ...)")) }
        if message.isEcho == true { return .failure(.routine("echo of the page's own message")) }
        guard let mid = message.mid, !mid.isEmpty else { return .failure(.unusable("message without mid")) }
        guard let psid = sender?.id, !psid.isEmpty else { return .failure(.unusable("message without sender.id")) }
        // Attachments without a URL (a shared location, a template) carry nothing to show.
        let attachments = (message.attachments ?? []).compactMap(\.value).compactMap { attachment -> Attachment? in
            guard let url = attachment.payload?.url, !url.isEmpty else { return nil }
            return Attachment(url: url, contentType: Self.contentType(ofKind: attachment.type))
        }
        let channelData = [
            "channel.id": channelID,
            "channel.type": ChannelType.facebook.rawValue,
            "customer.address": psid,
            "facebook.pageId": pageID,
        ]
        return MetaSkip.receivable(InboundMessage(
            channelInstanceID: channelID, channelType: ChannelType.facebook.rawValue, providerMessageID: mid,
            customerAddress: psid, text: message.text ?? "", attachments: attachments, channelData: channelData,
            providerTimestampMs: timestamp, receivedAtMs: receivedAtMs))
    }

    /// Messenger names only the kind of an attachment; the media range says as much.
    static func contentType(ofKind kind: String?) -> String {
        switch kind {
        case "image": "image/*"
        case "video": "video/*"
        case "audio": "audio/*"
        default: ""
        }
    }
}
