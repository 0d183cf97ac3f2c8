import Foundation

/// Decoding of Meta's webhook JSON into the payload structs (Foundation `JSONDecoder`).
///
/// The structs declare only what we read, every field optional: unknown fields (Meta adds
/// them without notice) are ignored, and a missing one is judged by the adapter. Array
/// elements are `Lossy`: one event of a shape we do not understand is skipped alone instead
/// of failing the whole batch. Only a body that is not JSON, or whose outer shape is wrong
/// (`entry` not an array), is refused with a 400.
enum MetaPayloadDecoding {
    static func decode<Payload: Decodable>(_ type: Payload.Type, from body: [UInt8]) -> Result<Payload, IngressRejection> {
        do {
            return .success(try JSONDecoder().decode(Payload.self, from: Data(body)))
        } catch let error as DecodingError {
            return .failure(.malformed(reason(error)))
        } catch {
            return .failure(.malformed("body is not valid JSON"))
        }
    }

    /// Seconds as Meta writes them in WhatsApp (a string) into milliseconds; nil when not a number.
    static func milliseconds(fromSeconds text: String?) -> Int64? {
        guard let text, let seconds = Int64(text), seconds >= 0, seconds < Int64.max / 1000 else { return nil }
        return seconds * 1000
    }

    private static func reason(_ error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context):
            "\(path(context)) must be \(name(of: type))"
        case .valueNotFound(let type, let context):
            "\(path(context)) must be \(name(of: type)), not null"
        case .keyNotFound(let key, let context):
            "\(path(context, appending: key.stringValue)) is required"
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "body is not valid JSON" : "\(path(context)) is not valid"
        @unknown default:
            "body does not have the expected shape"
        }
    }

    private static func path(_ context: DecodingError.Context, appending key: String? = nil) -> String {
        var text = ""
        for component in context.codingPath {
            if let index = component.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? component.stringValue : ".\(component.stringValue)"
            }
        }
        if let key { text += text.isEmpty ? key : ".\(key)" }
        return text.isEmpty ? "body" : text
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "a boolean"
        case is Int64.Type, is Int.Type, is Double.Type: "a number"
        default: String(describing: type).hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

/// An array element that does not decode is nil instead of failing the array.
struct Lossy<Element: Decodable>: Decodable {
    let value: Element?

    init(from decoder: any Decoder) throws {
        value = try? Element(from: decoder)
    }
}

/// Meta's webhook answers.
enum MetaWebhookAnswer {
    /// What Meta's own samples answer; Meta only reads the 200.
    static let received = AdapterResponse(status: .ok, contentType: "text/plain; charset=utf-8", body: Array("EVENT_RECEIVED".utf8))
}
