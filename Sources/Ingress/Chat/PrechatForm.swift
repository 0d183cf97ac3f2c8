import Foundation
import SwitchboardCore
import Wire

/// The pre-chat form of one chat channel (spec I2, W2): the visitor's name and email, then
/// one field per context variable of the channel's work stream. The page gets the fields in
/// `welcome` and builds the form from them; the answers come back in `start`.
struct PrechatForm: Sendable, Equatable {
    struct Field: Sendable, Equatable, Encodable {
        let name: String
        let displayName: String
        let type: String
    }

    static let maximumNameLength = 128
    static let maximumEmailLength = 254
    static let maximumAnswerLength = 1024

    /// The work stream's context variables, in declaration order.
    let fields: [Field]
    private let types: [String: ContextVariableType]

    init(variables: [ContextVariable]) {
        fields = variables.map { Field(name: $0.name, displayName: $0.displayName, type: $0.type.rawValue) }
        types = Dictionary(variables.map { ($0.name, $0.type) }, uniquingKeysWith: { first, _ in first })
    }

    /// A visitor's answers, checked and typed.
    struct Answers: Sendable, Equatable {
        var name: String?
        var email: String?
        var context: [String: ContextValue]
    }

    /// Checks a `start` frame's `name`, `email` and `answers` (variable name → string or
    /// number). Blank values are absent; a number variable takes a JSON number or a string
    /// that reads as a finite number.
    func answers(name: JSONValue?, email: JSONValue?, answers: JSONValue?) throws(ChatProtocolError) -> Answers {
        let name = try Self.text(name, field: "name", limit: Self.maximumNameLength)
        let email = try Self.text(email, field: "email", limit: Self.maximumEmailLength)
        if let email, !Self.looksLikeEmail(email) {
            throw ChatProtocolError(.badAnswer, "email must be an address such as name@example.com", field: "email")
        }
        var context: [String: ContextValue] = [:]
        switch answers {
        case nil, .null?:
            break
        case .object(let values)?:
            for (variable, value) in values {
                guard let type = types[variable] else {
                    throw ChatProtocolError(.badAnswer, "\(variable.prefix(64)) is not a field of this form", field: String(variable.prefix(64)))
                }
                if let typed = try Self.value(value, of: type, field: variable) { context[variable] = typed }
            }
        default:
            throw ChatProtocolError(.malformed, "answers must be an object of field name to value")
        }
        return Answers(name: name, email: email, context: context)
    }

    private static func value(_ value: JSONValue, of type: ContextVariableType, field: String) throws(ChatProtocolError) -> ContextValue? {
        switch (type, value) {
        case (_, .null):
            return nil
        case (.number, .number(let number)) where number.isFinite:
            return .number(number)
        case (.number, .string(let string)):
            let trimmed = string.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { return nil }
            guard let number = Double(trimmed), number.isFinite else {
                throw ChatProtocolError(.badAnswer, "\(field) must be a number, got \"\(string.prefix(32))\"", field: field)
            }
            return .number(number)
        case (.number, _):
            throw ChatProtocolError(.badAnswer, "\(field) must be a number", field: field)
        case (.text, .string(let string)):
            let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { return nil }
            guard trimmed.count <= maximumAnswerLength else {
                throw ChatProtocolError(.badAnswer, "\(field) is longer than \(maximumAnswerLength) characters", field: field)
            }
            return .text(trimmed)
        case (.text, _):
            throw ChatProtocolError(.badAnswer, "\(field) must be text", field: field)
        }
    }

    private static func text(_ value: JSONValue?, field: String, limit: Int) throws(ChatProtocolError) -> String? {
        switch value {
        case nil, .null?:
            return nil
        case .string(let string)?:
            let trimmed = string.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { return nil }
            guard trimmed.count <= limit else {
                throw ChatProtocolError(.badAnswer, "\(field) is longer than \(limit) characters", field: field)
            }
            return trimmed
        default:
            throw ChatProtocolError(.badAnswer, "\(field) must be text", field: field)
        }
    }

    /// One `@` with something on both sides and no spaces: the form's check, not RFC 5322.
    private static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(where: \.isWhitespace)
    }
}
