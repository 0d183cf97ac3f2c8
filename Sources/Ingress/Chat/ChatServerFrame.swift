import Foundation

/// The frames the server sends the page (docs/channels/chat.md, "Server → page"), as JSON text.
enum ChatServerFrame {
    struct Welcome: Encodable {
        struct Channel: Encodable {
            let id: String
            let title: String
        }
        struct Form: Encodable {
            let fields: [PrechatForm.Field]
        }
        struct Visitor: Encodable {
            let name: String?
            let email: String?
        }

        var type = "welcome"
        let visitorToken: String
        /// False when the page's token was unknown (or absent) and `visitorToken` is a new one.
        let resumed: Bool
        let channel: Channel
        let form: Form
        /// True when the pre-chat form was already sent: the page shows the conversation.
        let started: Bool
        let visitor: Visitor?
        /// What the visitor already saw (their messages, agents' replies), oldest first.
        let transcript: [ChatItem]
    }

    struct Ack: Encodable {
        var type = "ack"
        let clientMessageId: String
        /// True when this clientMessageId was stored before (a resend): stored once.
        let duplicate: Bool
    }

    struct Started: Encodable {
        var type = "started"
        let visitor: Welcome.Visitor
    }

    struct Failure: Encodable {
        var type = "error"
        let code: String
        let reason: String
        let field: String?
        let clientMessageId: String?
    }

    static func welcome(_ welcome: Welcome) -> String { encode(welcome) }

    static func started(name: String?, email: String?) -> String { encode(Started(visitor: .init(name: name, email: email))) }

    static func ack(clientMessageID: String, duplicate: Bool) -> String {
        encode(Ack(clientMessageId: clientMessageID, duplicate: duplicate))
    }

    static func error(_ error: ChatProtocolError) -> String {
        encode(Failure(code: error.code.rawValue, reason: error.reason, field: error.field, clientMessageId: error.clientMessageID))
    }

    static func item(_ item: ChatItem) -> String { encode(item) }

    private static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return #"{"type":"error","code":"internal","reason":"cannot encode"}"# }
        return String(decoding: data, as: UTF8.self)
    }
}

/// One line of the conversation as the page shows it: live (`reply`, `agentJoined`) or in
/// `welcome.transcript` (those and the visitor's own `message`s). `id` is unique per
/// visitor, so a page that gets an item twice (the transcript, then a retried push) shows it once.
struct ChatItem: Encodable, Equatable, Sendable {
    enum Kind: String, Encodable, Sendable {
        case message, reply, agentJoined
    }

    let type: Kind
    let id: String
    var clientMessageId: String?
    var agentId: String?
    var agentName: String?
    var text: String?
    let sentAt: String

    static func iso8601(ms: Int64) -> String {
        Date(timeIntervalSince1970: Double(ms) / 1000).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
