import Foundation
import SwitchboardCore

/// A frame from the visitor's page (docs/channels/chat.md, "Page → server"), checked field
/// by field so the page gets a reason it can show.
enum ChatClientFrame: Equatable {
    case hello(Hello)
    case start(name: JSONValue?, email: JSONValue?, answers: JSONValue?)
    case message(clientMessageID: String, text: String)

    struct Hello: Equatable {
        /// Nil on a first visit; checked against the stored visitors by the handler.
        var token: VisitorToken?
        /// The page the widget runs on (`chat.pageUrl`); dropped when not an http(s) URL.
        var pageURL: String?
        /// `navigator.language` (`InboundMessage.locale`); dropped when not BCP 47-shaped.
        var locale: String?
    }

    static let maximumTextBytes = 4 * 1024
    static let maximumClientMessageIDLength = 64
    static let maximumPageURLLength = 2048

    static func decode(_ text: String) throws(ChatProtocolError) -> ChatClientFrame {
        let root: JSONValue
        do {
            root = try JSONValue.decode(text.utf8)
        } catch .nestedTooDeep {
            throw ChatProtocolError(.malformed, "a frame nests arrays and objects at most \(JSONValue.maximumDepth) levels deep")
        } catch {
            throw ChatProtocolError(.malformed, "a frame is one JSON object")
        }
        guard case .object(let fields) = root else { throw ChatProtocolError(.malformed, "a frame is one JSON object") }
        guard case .string(let type)? = fields["type"] else { throw ChatProtocolError(.malformed, "type is required") }
        switch type {
        case "hello": return .hello(try hello(fields))
        case "start": return .start(name: fields["name"], email: fields["email"], answers: fields["answers"])
        case "message": return try message(fields)
        default: throw ChatProtocolError(.unknownType, "unknown frame type \"\(type.prefix(32))\"")
        }
    }

    private static func hello(_ fields: [String: JSONValue]) throws(ChatProtocolError) -> Hello {
        var hello = Hello()
        switch fields["visitorToken"] {
        case nil, .null?:
            break
        case .string(let text)?:
            guard let token = VisitorToken(text) else {
                throw ChatProtocolError(.invalidToken, "visitorToken is not a token this server issues; forget it and connect without one")
            }
            hello.token = token
        default:
            throw ChatProtocolError(.invalidToken, "visitorToken must be a string")
        }
        if case .string(let url)? = fields["pageUrl"], url.utf8.count <= maximumPageURLLength, HTTPURL(url) != nil {
            hello.pageURL = url
        }
        if case .string(let locale)? = fields["locale"], isLocale(locale) { hello.locale = locale }
        return hello
    }

    private static func message(_ fields: [String: JSONValue]) throws(ChatProtocolError) -> ChatClientFrame {
        guard case .string(let id)? = fields["clientMessageId"] else {
            throw ChatProtocolError(.badClientMessageId, "clientMessageId is required (a string)")
        }
        guard isClientMessageID(id) else {
            throw ChatProtocolError(
                .badClientMessageId, "clientMessageId must be 1 to \(maximumClientMessageIDLength) of A-Z a-z 0-9 - _")
        }
        guard case .string(let text)? = fields["text"] else {
            throw ChatProtocolError(.malformed, "text is required (a string)", clientMessageID: id)
        }
        guard text.utf8.count <= maximumTextBytes else {
            throw ChatProtocolError(.tooLarge, "text is longer than \(maximumTextBytes) bytes", clientMessageID: id)
        }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw ChatProtocolError(.emptyMessage, "text is empty", clientMessageID: id)
        }
        return .message(clientMessageID: id, text: text)
    }

    /// The page's own id of a message: it becomes part of the dedupe key, so it is bounded
    /// and free of the key's separator.
    static func isClientMessageID(_ id: String) -> Bool {
        (1...maximumClientMessageIDLength).contains(id.utf8.count) && id.utf8.allSatisfy(VisitorToken.isBase64URL)
    }

    /// `en`, `en-GB`, `zh-Hant-TW`: letters, digits and hyphens, at most 35 (BCP 47's practical bound).
    static func isLocale(_ text: String) -> Bool {
        guard (2...35).contains(text.utf8.count), let first = text.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic
        else { return false }
        return text.utf8.allSatisfy { VisitorToken.isBase64URL($0) && $0 != UInt8(ascii: "_") }
    }
}
