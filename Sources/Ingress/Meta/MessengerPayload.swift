/// The Messenger webhook body (`object: "page"`), only the fields we read
/// (developers.facebook.com/docs/messenger-platform/webhooks). All optional: see
/// `MetaPayloadDecoding`.
struct MessengerPayload: MetaWebhookPayload {
    static let expectedObject = "page"

    var object: String?
    var entry: [Lossy<Entry>]?

    struct Entry: Decodable {
        /// The page id.
        var id: String?
        var time: Int64?
        var messaging: [Lossy<Event>]?
    }

    /// One messaging event: a message, or a delivery/read receipt, postback, reaction, ...
    struct Event: Decodable {
        var sender: Party?
        var recipient: Party?
        /// Milliseconds since the epoch.
        var timestamp: Int64?
        var message: Message?
    }

    struct Party: Decodable {
        /// The customer's page-scoped id (PSID), or the page id.
        var id: String?
    }

    struct Message: Decodable {
        var mid: String?
        var text: String?
        /// The page's own sends, echoed when the page subscribed to `message_echoes`.
        var isEcho: Bool?
        var attachments: [Lossy<Attachment>]?

        enum CodingKeys: String, CodingKey {
            case mid, text, attachments
            case isEcho = "is_echo"
        }
    }

    struct Attachment: Decodable {
        /// `image`, `video`, `audio`, `file`, `fallback`, `location`, `template`, ...
        var type: String?
        var payload: AttachmentPayload?
    }

    struct AttachmentPayload: Decodable {
        var url: String?
    }
}
