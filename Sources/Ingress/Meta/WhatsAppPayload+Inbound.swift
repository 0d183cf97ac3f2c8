import Foundation
import Storage
import SwitchboardCore
import Wire

/// The channel a WhatsApp `value` was delivered for, with what the mapping needs of it.
struct WhatsAppTarget {
    let channelID: String
    let phoneNumberID: String
    let displayPhoneNumber: String?
    /// Where a media id without a URL can be looked up (`{apiBaseUrl}/{version}/{media id}`).
    let apiBaseURL: HTTPURL
}

extension WhatsAppPayload.Value {
    /// The customer messages of this value, in order; the others are tallied in `skips`.
    func inboundMessages(for target: WhatsAppTarget, receivedAtMs: Int64, skips: inout MetaSkips) -> [InboundMessage] {
        let contacts = (contacts ?? []).decodedValues(counting: &skips, what: "contact")
        var result: [InboundMessage] = []
        for message in (messages ?? []).decodedValues(counting: &skips, what: "message") {
            switch message.inboundMessage(contacts: contacts, target: target, receivedAtMs: receivedAtMs) {
            case .success(let inbound): result.append(inbound)
            case .failure(let skip): skips.add(skip.reason, skip.kind)
            }
        }
        return result
    }

    /// The delivery receipts of our own messages in this value.
    func deliveryStatuses(for target: WhatsAppTarget, receivedAtMs: Int64, skips: inout MetaSkips) -> [DeliveryStatus] {
        var result: [DeliveryStatus] = []
        for status in (statuses ?? []).decodedValues(counting: &skips, what: "status") {
            guard let id = status.id, !id.isEmpty, let state = status.status, !state.isEmpty else {
                skips.add("status without id or status", .unusable)
                continue
            }
            let error = (status.errors ?? []).compactMap(\.value).first.map { error in
                [error.code.map(String.init), error.title].compactMap { $0 }.joined(separator: ": ")
            }
            result.append(DeliveryStatus(
                channelInstanceID: target.channelID, providerMessageID: id, status: state,
                recipient: status.recipientID ?? status.recipientUserID ?? "",
                providerTimestampMs: MetaPayloadDecoding.milliseconds(fromSeconds: status.timestamp),
                error: error?.isEmpty == false ? error : nil, correlation: status.callbackData, receivedAtMs: receivedAtMs))
        }
        return result
    }
}

extension WhatsAppPayload.Message {
    /// The stored form of this message, or why it is not stored.
    ///
    /// The customer is keyed on the contact's `wa_id` when present, else its `user_id`,
    /// else the message's `from` (newer payloads may omit the phone number).
    func inboundMessage(
        contacts: [WhatsAppPayload.Contact], target: WhatsAppTarget, receivedAtMs: Int64
    ) -> Result<InboundMessage, MetaSkip> {
        guard let id, !id.isEmpty else { return .failure(.unusable("message without id")) }
        let contact = contacts.first { $0.waID != nil && $0.waID == from }
            ?? contacts.first { $0.userID != nil && $0.userID == fromUserID }
            ?? (contacts.count == 1 ? contacts.first : nil)
        let keys = [contact?.waID, contact?.userID, from, fromUserID]
        guard let key = keys.compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            return .failure(.unusable("message without wa_id, user_id or from"))
        }
        let address = key.hasPrefix("+") ? String(key.dropFirst()) : key
        let content: (text: String, attachments: [Attachment])
        switch self.content(apiBaseURL: target.apiBaseURL) {
        case .success(let value): content = value
        case .failure(let skip): return .failure(skip)
        }
        let displayName = contact?.profile?.name.flatMap { $0.isEmpty ? nil : $0 }
        let userID = contact?.userID ?? fromUserID
        var channelData = [
            "channel.id": target.channelID,
            "channel.type": ChannelType.whatsapp.rawValue,
            "customer.address": address,
            "whatsapp.phoneNumberId": target.phoneNumberID,
        ]
        if let displayName { channelData["customer.displayName"] = displayName }
        if let number = target.displayPhoneNumber, !number.isEmpty { channelData["whatsapp.displayPhoneNumber"] = number }
        if let userID, !userID.isEmpty { channelData["whatsapp.userId"] = userID }
        return MetaSkip.receivable(InboundMessage(
            channelInstanceID: target.channelID, channelType: ChannelType.whatsapp.rawValue, providerMessageID: id,
            customerAddress: address, customerDisplayName: displayName, text: content.text, attachments: content.attachments,
            channelData: channelData, providerTimestampMs: MetaPayloadDecoding.milliseconds(fromSeconds: timestamp),
            receivedAtMs: receivedAtMs))
    }

    /// Text and attachments by message type. Media keep their caption as the text; their
    /// attachment URL is the payload's `url` when given, else the Graph API node of the media
    /// id (a GET there with the access token gives a download URL).
    private func content(apiBaseURL: HTTPURL) -> Result<(text: String, attachments: [Attachment]), MetaSkip> {
        switch type {
        case "text":
            return .success((text?.body ?? "", []))
        case "image", "document", "audio", "video", "sticker":
            guard let media = self.media, let url = Self.url(of: media, apiBaseURL: apiBaseURL) else {
                return .failure(.unusable("\(type ?? "media") message without a media id"))
            }
            let attachment = Attachment(url: url, contentType: media.mimeType ?? "", name: media.filename ?? "")
            return .success((media.caption ?? "", [attachment]))
        case "interactive":
            return .success((interactive?.buttonReply?.title ?? interactive?.listReply?.title ?? "", []))
        case "button":
            return .success((button?.text ?? "", []))
        case "location":
            return .success((location.map(Self.describe) ?? "", []))
        default:
            // reaction, contacts, order, system, unsupported, ...: nothing an agent can answer as a message.
            return .failure(.routine("message of type \(type.map { String($0.prefix(32)) } ?? "(none)")"))
        }
    }

    /// The media object named by `type`.
    private var media: WhatsAppPayload.Media? {
        switch type {
        case "image": image
        case "document": document
        case "audio": audio
        case "video": video
        case "sticker": sticker
        default: nil
        }
    }

    private static func url(of media: WhatsAppPayload.Media, apiBaseURL: HTTPURL) -> String? {
        if let url = media.url, !url.isEmpty { return url }
        guard let id = media.id, !id.isEmpty,
            let escaped = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"]))
        else { return nil }
        return MetaGraphAPI.url(apiBaseURL, escaped)
    }

    private static func describe(_ location: WhatsAppPayload.Location) -> String {
        var parts: [String] = []
        if let latitude = location.latitude, let longitude = location.longitude { parts.append("\(latitude),\(longitude)") }
        if let name = location.name, !name.isEmpty { parts.append(name) }
        if let address = location.address, !address.isEmpty { parts.append(address) }
        return "Location: " + parts.joined(separator: " — ")
    }
}
