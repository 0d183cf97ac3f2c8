import Foundation
import Synchronization
import SwitchboardCore
import Wire

/// The JSON body of `POST /channels/custom/{channelId}/messages` (docs/channels/custom.md),
/// checked field by field so a sender gets a reason it can act on.
struct CustomMessagePayload {
    static let maximumIDLength = 256
    static let maximumAttachments = 20

    var messageID: String
    var customerID: String
    var displayName: String?
    var locale: String?
    var text: String
    var attachments: [Attachment]
    var context: [String: ContextValue]
    var sentAtMs: Int64?

    /// Parses `body`; the error is the sender-facing reason of a 400.
    static func parse(_ body: [UInt8]) -> Result<CustomMessagePayload, ParseFailure> {
        let root: JSONValue
        do {
            root = try JSONValue.decode(body)
        } catch .nestedTooDeep {
            return .failure(ParseFailure("body nests arrays and objects deeper than \(JSONValue.maximumDepth) levels"))
        } catch {
            return .failure(ParseFailure("body is not valid JSON"))
        }
        do {
            return .success(try parse(root))
        } catch {
            return .failure(error)
        }
    }

    struct ParseFailure: Error, Equatable {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }

    private static func parse(_ root: JSONValue) throws(ParseFailure) -> CustomMessagePayload {
        guard case .object(let fields) = root else { throw ParseFailure("body must be a JSON object") }
        let messageID = try requiredString(fields, "messageId", path: "messageId")
        guard case .object(let customer)? = fields["customer"] else {
            throw ParseFailure(fields["customer"] == nil ? "customer is required" : "customer must be an object")
        }
        let customerID = try requiredString(customer, "id", path: "customer.id")
        let displayName = try optionalString(customer, "displayName", path: "customer.displayName")
        let locale = try optionalString(customer, "locale", path: "customer.locale")
        let text = try optionalString(fields, "text", path: "text") ?? ""
        let attachments = try parseAttachments(fields["attachments"])
        guard !text.isEmpty || !attachments.isEmpty else {
            throw ParseFailure("a message needs text or at least one attachment")
        }
        let context = try parseContext(fields["context"])
        var sentAtMs: Int64?
        if let sentAt = try optionalString(fields, "sentAt", path: "sentAt") {
            guard let date = parseRFC3339(sentAt) else {
                throw ParseFailure("sentAt must be an RFC 3339 time such as 2024-05-29T16:26:40Z")
            }
            sentAtMs = Int64((date.timeIntervalSince1970 * 1000).rounded())
        }
        return CustomMessagePayload(
            messageID: messageID, customerID: customerID, displayName: displayName, locale: locale, text: text,
            attachments: attachments, context: context, sentAtMs: sentAtMs)
    }

    private static func requiredString(_ fields: [String: JSONValue], _ key: String, path: String) throws(ParseFailure) -> String {
        guard let value = fields[key], value != .null else { throw ParseFailure("\(path) is required") }
        guard case .string(let string) = value else { throw ParseFailure("\(path) must be a string") }
        guard !string.isEmpty else { throw ParseFailure("\(path) must not be empty") }
        guard string.count <= maximumIDLength else { throw ParseFailure("\(path) is longer than \(maximumIDLength) characters") }
        return string
    }

    private static func optionalString(_ fields: [String: JSONValue], _ key: String, path: String) throws(ParseFailure) -> String? {
        switch fields[key] {
        case nil, .null?: return nil
        case .string(let string)?: return string.isEmpty ? nil : string
        default: throw ParseFailure("\(path) must be a string")
        }
    }

    private static func parseAttachments(_ value: JSONValue?) throws(ParseFailure) -> [Attachment] {
        guard let value, value != .null else { return [] }
        guard case .array(let items) = value else { throw ParseFailure("attachments must be an array") }
        guard items.count <= maximumAttachments else { throw ParseFailure("at most \(maximumAttachments) attachments") }
        var attachments: [Attachment] = []
        for (index, item) in items.enumerated() {
            let path = "attachments[\(index)]"
            guard case .object(let fields) = item else { throw ParseFailure("\(path) must be an object") }
            guard case .string(let url)? = fields["url"], !url.isEmpty else { throw ParseFailure("\(path).url is required") }
            guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "https" || scheme == "http",
                parsed.host?.isEmpty == false
            else {
                throw ParseFailure("\(path).url must be an absolute https:// or http:// URL")
            }
            let contentType = try optionalString(fields, "contentType", path: "\(path).contentType") ?? ""
            let name = try optionalString(fields, "name", path: "\(path).name") ?? ""
            attachments.append(Attachment(url: url, contentType: contentType, name: name))
        }
        return attachments
    }

    /// Context values are passed on as sent: a value of the wrong type for its declared
    /// variable is the router's to log, count and treat as absent (W2), not a reason to
    /// refuse the customer's message.
    private static func parseContext(_ value: JSONValue?) throws(ParseFailure) -> [String: ContextValue] {
        guard let value, value != .null else { return [:] }
        guard case .object(let fields) = value else { throw ParseFailure("context must be an object") }
        var context: [String: ContextValue] = [:]
        for (name, value) in fields {
            guard !name.isEmpty, !name.contains(".") else {
                throw ParseFailure("context name \"\(name)\" is not allowed (empty, or dotted like channel data)")
            }
            let contextValue: ContextValue
            switch value {
            case .string(let text): contextValue = .text(text)
            case .number(let number): contextValue = .number(number)
            case .bool: throw ParseFailure("context.\(name) must be a string or a number, not a boolean")
            case .null: throw ParseFailure("context.\(name) must be a string or a number, not null")
            case .array, .object: throw ParseFailure("context.\(name) must be a string or a number")
            }
            context[name] = contextValue
        }
        return context
    }

    static func parseRFC3339(_ text: String) -> Date? {
        guard let text = rfc3339Normalized(text) else { return nil }
        return rfc3339Formatters.withLock { formatters in
            formatters.plain.date(from: text) ?? formatters.fractional.date(from: text)
        }
    }

    /// Made once: creating an `ISO8601DateFormatter` costs about 0.2 ms, twice per webhook
    /// before (found while fuzzing). Formatters are not thread-safe, hence the lock.
    private static let rfc3339Formatters: Mutex<(plain: ISO8601DateFormatter, fractional: ISO8601DateFormatter)> = {
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return Mutex((plain, fractional))
    }()

    /// `text` when it has RFC 3339's shape (`2024-05-29T16:26:40.123Z`, `…+02:00`), with the
    /// seconds fraction cut to milliseconds (what `sentAtMs` keeps) and `T`/`Z` upper case;
    /// nil otherwise. Checked before ICU sees it: ICU (under `ISO8601DateFormatter` on
    /// Linux) reads years and offsets of any length, gets long fractions wrong, and divides
    /// by zero on a fraction of about 35 digits or more: SIGFPE, the adapter process dies
    /// (found by `switchboard fuzz`).
    static func rfc3339Normalized(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        func isDigits(_ range: Range<Int>) -> Bool {
            range.upperBound <= bytes.count && bytes[range].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
        func isByte(_ index: Int, _ allowed: String) -> Bool { index < bytes.count && allowed.utf8.contains(bytes[index]) }
        guard isDigits(0..<4), isByte(4, "-"), isDigits(5..<7), isByte(7, "-"), isDigits(8..<10), isByte(10, "Tt"),
            isDigits(11..<13), isByte(13, ":"), isDigits(14..<16), isByte(16, ":"), isDigits(17..<19)
        else { return nil }
        var normalized = Array(bytes[0..<19])
        normalized[10] = UInt8(ascii: "T")
        var index = 19
        if isByte(index, ".") {
            let start = index + 1
            index = start
            while isDigits(index..<(index + 1)) { index += 1 }
            guard index > start else { return nil }
            normalized += [UInt8(ascii: ".")] + bytes[start..<min(index, start + 3)]
        }
        let zone = Array(bytes[index...])
        if zone.count == 1, isByte(index, "Zz") {
            normalized.append(UInt8(ascii: "Z"))
        } else if zone.count == 6, isByte(index, "+-"), isDigits((index + 1)..<(index + 3)), isByte(index + 3, ":"),
            isDigits((index + 4)..<(index + 6))
        {
            normalized += zone
        } else {
            return nil
        }
        return String(decoding: normalized, as: UTF8.self)
    }
}
