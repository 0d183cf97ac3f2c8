import Foundation
import HTTPTypes
import Hummingbird
import ProcessRuntime
import SwitchboardCore
import Wire

/// One channel type's webhook handling: everything provider-specific, nothing else.
///
/// The shared machinery (`IngressEndpoints`) reads the raw body (bounded by
/// `maximumBodyBytes`, 413 beyond), hands it here *unparsed*, and on `.store` writes the
/// messages to the outbox in one group commit, then asks `answer` for the provider's
/// response. Rejections are logged and counted by reason; nothing is stored.
///
/// A new channel (SMS, Meta, X) is one type conforming to this protocol: declare its
/// routes, verify the signature over `request.body` first, parse into `InboundMessage`s
/// with the provider's message id as `providerMessageID` (the R3 dedupe key), and shape
/// the answer the provider expects (Twilio's TwiML, Meta's 200, our 202 JSON).
public protocol ChannelAdapter: Sendable {
    var channelType: ChannelType { get }
    /// Routes served by this adapter, e.g. `POST /channels/custom/:channelId/messages`.
    var routes: [AdapterRoute] { get }
    /// Checks and parses one request. Verify before parsing.
    func receive(_ request: RawRequest) async -> AdapterVerdict
    /// The provider's answer once `stored` (one per message of the verdict, same order) are durable.
    func answer(_ request: RawRequest, stored: [StoredMessage]) -> AdapterResponse
}

public struct AdapterRoute: Sendable, Hashable {
    public var method: HTTPRequest.Method
    /// A Hummingbird path pattern (`:name` parameters, `**` for the rest).
    public var path: String
    public var maximumBodyBytes: Int

    public init(method: HTTPRequest.Method, path: String, maximumBodyBytes: Int = 1 << 20) {
        self.method = method
        self.path = path
        self.maximumBodyBytes = maximumBodyBytes
    }
}

/// A request as received: headers and the raw body bytes, nothing parsed.
public struct RawRequest: Sendable {
    public var method: HTTPRequest.Method
    /// Path and query as sent.
    public var uri: String
    public var headers: HTTPFields
    /// Path parameters of the matched route (`channelId`).
    public var parameters: [String: String]
    public var body: [UInt8]
    public var receivedAt: Date

    public init(method: HTTPRequest.Method, uri: String, headers: HTTPFields, parameters: [String: String], body: [UInt8], receivedAt: Date) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.parameters = parameters
        self.body = body
        self.receivedAt = receivedAt
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }
}

/// What an adapter decided about a request.
public enum AdapterVerdict: Sendable {
    /// Verified and parsed: store these (in order), then `answer`.
    case store([InboundMessage])
    /// Answer without storing (a provider's verification GET, a CRC check, a status callback).
    case respond(AdapterResponse)
    /// Refused: logged, counted, answered; nothing stored.
    case reject(IngressRejection)
}

/// A refusal with the reason the sender reads and the metric label it is counted under.
public struct IngressRejection: Error, Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case signature, malformed, tooLarge = "too_large", unknownChannel = "unknown_channel"
        case unsupportedMediaType = "unsupported_media_type", notImplemented = "not_implemented"

        public var status: HTTPResponse.Status {
            switch self {
            case .signature: .forbidden
            case .malformed: .badRequest
            case .tooLarge: .contentTooLarge
            case .unknownChannel: .notFound
            case .unsupportedMediaType: .unsupportedMediaType
            case .notImplemented: .notImplemented
            }
        }
    }

    public var kind: Kind
    public var reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public static func signature(_ reason: String) -> Self { Self(.signature, reason) }
    public static func malformed(_ reason: String) -> Self { Self(.malformed, reason) }
}

/// One message as the outbox holds it after the request's commit.
public struct StoredMessage: Sendable, Equatable {
    public var providerMessageID: String
    public var messageID: MessageID
    /// Stored before (a provider retry): nothing changed.
    public var duplicate: Bool

    public init(providerMessageID: String, messageID: MessageID, duplicate: Bool) {
        self.providerMessageID = providerMessageID
        self.messageID = messageID
        self.duplicate = duplicate
    }
}

public struct AdapterResponse: Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var contentType: String
    public var body: [UInt8]
    /// Further headers (the chat widget page's Content-Security-Policy).
    public var headers: HTTPFields

    public init(status: HTTPResponse.Status, contentType: String, body: [UInt8], headers: HTTPFields = [:]) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// `{"status": ..., "reason": ...}`-style JSON bodies of our own answers.
    public static func json(_ status: HTTPResponse.Status, _ fields: [(String, JSONField)]) -> AdapterResponse {
        let text = "{" + fields.map { "\(JSONText.quoted($0.0)):\($0.1.text)" }.joined(separator: ",") + "}\n"
        return AdapterResponse(status: status, contentType: "application/json", body: Array(text.utf8))
    }

    /// The default answer to a rejection: `{"status":"rejected","reason":...}`.
    public static func rejection(_ rejection: IngressRejection) -> AdapterResponse {
        json(rejection.kind.status, [("status", .string("rejected")), ("reason", .string(rejection.reason))])
    }

    var hummingbird: Response {
        var fields = headers
        fields[.contentType] = contentType
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

/// A JSON scalar for the hand-built answer bodies.
public enum JSONField: Sendable {
    case string(String), bool(Bool)

    var text: String {
        switch self {
        case .string(let value): JSONText.quoted(value)
        case .bool(let value): value ? "true" : "false"
        }
    }
}
