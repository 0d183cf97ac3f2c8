/// A frame the chat socket refuses, answered with an `error` frame (docs/channels/chat.md,
/// "Errors"); nothing is stored. Only `helloRequired` and `invalidToken` also close the socket.
struct ChatProtocolError: Error, Sendable, Equatable {
    enum Code: String, Sendable {
        /// Not JSON, not an object, a field of the wrong type or missing.
        case malformed
        /// A binary frame: the protocol is JSON text.
        case unsupportedFrame
        case unknownType
        /// The first frame was not a valid `hello`.
        case helloRequired
        /// `hello.visitorToken` is not a token the server could have issued.
        case invalidToken
        /// A `message` before the pre-chat form was sent with `start`.
        case notStarted
        /// A pre-chat answer that does not fit its field.
        case badAnswer
        case badClientMessageId
        case emptyMessage
        /// Message text over the limit.
        case tooLarge
        /// The outbox could not store the message: send it again (same clientMessageId).
        case storeFailed
    }

    let code: Code
    let reason: String
    /// The pre-chat field at fault (`badAnswer`).
    var field: String?
    /// The message the error is about, when the frame named one.
    var clientMessageID: String?

    init(_ code: Code, _ reason: String, field: String? = nil, clientMessageID: String? = nil) {
        self.code = code
        self.reason = reason
        self.field = field
        self.clientMessageID = clientMessageID
    }

    /// Metrics label: counted with the webhook rejections of the same kind.
    var rejection: IngressRejection.Kind? {
        switch code {
        case .storeFailed: nil
        case .tooLarge: .tooLarge
        case .unsupportedFrame: .unsupportedMediaType
        case .invalidToken: .signature
        default: .malformed
        }
    }
}
