import Foundation
import Wire

/// The parts of an X Account Activity POST we read. One POST carries the events of one
/// subscribed account (`for_user_id`); only `direct_message_events` of type
/// `message_create` are customer messages. Every field is optional here so that event
/// kinds we ignore never fail the decoding; what a message needs is checked in `messages`.
struct XAccountActivityPayload: Decodable {
    var forUserID: String?
    var directMessageEvents: [DirectMessageEvent]?
    var users: [String: User]?

    enum CodingKeys: String, CodingKey {
        case forUserID = "for_user_id", directMessageEvents = "direct_message_events", users
    }

    struct DirectMessageEvent: Decodable {
        var type: String?
        var id: String?
        /// Milliseconds since the epoch, as a string.
        var createdTimestamp: String?
        var messageCreate: MessageCreate?

        enum CodingKeys: String, CodingKey {
            case type, id, createdTimestamp = "created_timestamp", messageCreate = "message_create"
        }
    }

    struct MessageCreate: Decodable {
        var senderID: String?
        var messageData: MessageData?

        enum CodingKeys: String, CodingKey { case senderID = "sender_id", messageData = "message_data" }
    }

    struct MessageData: Decodable {
        var text: String?
        var attachment: MessageAttachment?
    }

    struct MessageAttachment: Decodable {
        var media: Media?
    }

    struct Media: Decodable {
        var type: String?
        var mediaURLHTTPS: String?
        var videoInfo: VideoInfo?

        enum CodingKeys: String, CodingKey { case type, mediaURLHTTPS = "media_url_https", videoInfo = "video_info" }
    }

    struct VideoInfo: Decodable {
        var variants: [Variant]?
    }

    struct Variant: Decodable {
        var bitrate: Int?
        var contentType: String?
        var url: String?

        enum CodingKeys: String, CodingKey { case bitrate, contentType = "content_type", url }
    }

    struct User: Decodable {
        var name: String?
        var screenName: String?

        enum CodingKeys: String, CodingKey { case name, screenName = "screen_name" }
    }

    /// One customer message of the payload.
    struct Message: Equatable {
        var id: String
        var senderID: String
        var text: String
        var attachments: [Attachment]
        var createdMs: Int64?
        var senderName: String?
        var senderScreenName: String?
    }

    static func parse(_ body: [UInt8]) -> Result<XAccountActivityPayload, IngressRejection> {
        do {
            return .success(try JSONDecoder().decode(XAccountActivityPayload.self, from: Data(body)))
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            return .failure(.malformed("body is not valid JSON"))
        } catch let error as DecodingError {
            return .failure(.malformed("body is not an Account Activity payload: \(Self.describe(error))"))
        } catch {
            return .failure(.malformed("body is not valid JSON"))
        }
    }

    /// The customer messages, in order: `message_create` events not sent by the account
    /// itself (X echoes our own DMs to the webhook), each id once.
    func messages(ownAccount: String) -> Result<[Message], IngressRejection> {
        var messages: [Message] = []
        var seen: Set<String> = []
        for (index, event) in (directMessageEvents ?? []).enumerated() where event.type == "message_create" {
            let path = "direct_message_events[\(index)]"
            guard let id = event.id, !id.isEmpty else { return .failure(.malformed("\(path).id is required")) }
            guard let senderID = event.messageCreate?.senderID, !senderID.isEmpty else {
                return .failure(.malformed("\(path).message_create.sender_id is required"))
            }
            guard senderID != ownAccount, seen.insert(id).inserted else { continue }
            let data = event.messageCreate?.messageData
            let sender = users?[senderID]
            messages.append(Message(
                id: id, senderID: senderID, text: data?.text ?? "", attachments: Self.attachments(data?.attachment?.media),
                createdMs: event.createdTimestamp.flatMap { Int64($0) },
                senderName: sender?.name.flatMap { $0.isEmpty ? nil : $0 },
                senderScreenName: sender?.screenName.flatMap { $0.isEmpty ? nil : $0 }))
        }
        return .success(messages)
    }

    /// A photo is its `media_url_https`; a video or GIF its best MP4 variant when listed.
    static func attachments(_ media: Media?) -> [Attachment] {
        guard let media else { return [] }
        let videos = (media.videoInfo?.variants ?? []).filter { $0.contentType == "video/mp4" && !($0.url ?? "").isEmpty }
        if let best = videos.max(by: { ($0.bitrate ?? 0) < ($1.bitrate ?? 0) }), let url = best.url {
            return [Attachment(url: url, contentType: "video/mp4")]
        }
        guard let url = media.mediaURLHTTPS, !url.isEmpty else { return [] }
        return [Attachment(url: url)]
    }

    private static func describe(_ error: DecodingError) -> String {
        /// `direct_message_events[0].message_create`, as the sender wrote it.
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            if text.isEmpty { return "the body" }
            return text.hasPrefix(".") ? String(text.dropFirst()) : text
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)) has the wrong type"
        case .keyNotFound(let key, let context):
            return "\(path(context)).\(key.stringValue) is missing"
        @unknown default:
            return "unexpected shape"
        }
    }
}
