/// The WhatsApp Cloud API webhook body (`object: "whatsapp_business_account"`), only the
/// fields we read (developers.facebook.com/docs/whatsapp/cloud-api/webhooks). All optional:
/// see `MetaPayloadDecoding`.
struct WhatsAppPayload: MetaWebhookPayload {
    static let expectedObject = "whatsapp_business_account"

    var object: String?
    var entry: [Lossy<Entry>]?

    struct Entry: Decodable {
        /// The WhatsApp Business Account id (not used: the phone number id names the channel).
        var id: String?
        var changes: [Lossy<Change>]?
    }

    struct Change: Decodable {
        /// `messages` for messages and statuses; other fields (account updates, templates) are not ours.
        var field: String?
        var value: Value?
    }

    struct Value: Decodable {
        var metadata: Metadata?
        var contacts: [Lossy<Contact>]?
        var messages: [Lossy<Message>]?
        var statuses: [Lossy<Status>]?
    }

    struct Metadata: Decodable {
        var displayPhoneNumber: String?
        var phoneNumberID: String?

        enum CodingKeys: String, CodingKey {
            case displayPhoneNumber = "display_phone_number"
            case phoneNumberID = "phone_number_id"
        }
    }

    struct Contact: Decodable {
        var profile: Profile?
        /// The customer's WhatsApp id (digits, no `+`); newer payloads may omit it.
        var waID: String?
        /// The business-scoped user id of newer payloads.
        var userID: String?

        enum CodingKeys: String, CodingKey {
            case profile
            case waID = "wa_id"
            case userID = "user_id"
        }
    }

    struct Profile: Decodable {
        var name: String?
    }

    struct Message: Decodable {
        /// Digits without `+`; may be absent when the customer is known only by user id.
        var from: String?
        var fromUserID: String?
        var id: String?
        /// Unix seconds, as a string.
        var timestamp: String?
        var type: String?
        var text: Text?
        var image: Media?
        var document: Media?
        var audio: Media?
        var video: Media?
        var sticker: Media?
        var interactive: Interactive?
        var button: Button?
        var location: Location?

        enum CodingKeys: String, CodingKey {
            case from, id, timestamp, type, text, image, document, audio, video, sticker, interactive, button, location
            case fromUserID = "from_user_id"
        }
    }

    struct Text: Decodable {
        var body: String?
    }

    struct Media: Decodable {
        /// The media id: `GET /{version}/{id}` on the Graph API gives a download URL.
        var id: String?
        var mimeType: String?
        var caption: String?
        /// Documents only.
        var filename: String?
        /// Present in some newer payloads.
        var url: String?

        enum CodingKeys: String, CodingKey {
            case id, caption, filename, url
            case mimeType = "mime_type"
        }
    }

    /// A tap on a reply button or a list row.
    struct Interactive: Decodable {
        var buttonReply: Reply?
        var listReply: Reply?

        struct Reply: Decodable {
            var id: String?
            var title: String?
        }

        enum CodingKeys: String, CodingKey {
            case buttonReply = "button_reply"
            case listReply = "list_reply"
        }
    }

    /// A tap on a template's quick-reply button.
    struct Button: Decodable {
        var text: String?
    }

    struct Location: Decodable {
        var latitude: Double?
        var longitude: Double?
        var name: String?
        var address: String?
    }

    /// A delivery receipt of one of OUR outbound messages.
    struct Status: Decodable {
        /// The id the send API returned for our message.
        var id: String?
        /// `sent`, `delivered`, `read`, `failed` (and newer ones, kept as given).
        var status: String?
        var timestamp: String?
        var recipientID: String?
        var recipientUserID: String?
        /// What our send put in `biz_opaque_callback_data`: the reply's Wire id.
        var callbackData: String?
        var errors: [Lossy<StatusError>]?

        enum CodingKeys: String, CodingKey {
            case id, status, timestamp, errors
            case recipientID = "recipient_id"
            case recipientUserID = "recipient_user_id"
            case callbackData = "biz_opaque_callback_data"
        }
    }

    struct StatusError: Decodable {
        var code: Int?
        var title: String?
    }
}
