/// The error of the `Wire` module: what went wrong (`code`), a readable `message`, and
/// the underlying `cause` (e.g. the protobuf decoder's error) when there is one.
///
/// The codec fills `messageType` and `messageID` when it could read them before it
/// failed, so a receiver can log and count what it rejected (G4).
public struct WireError: Error, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// Not 4 frames (5 with a PUB topic).
        case wrongFrameCount
        /// Frame 0 is not `SWB` + version.
        case wrongProtocolTag
        /// Frame 0 names a protocol version this build does not decode.
        case unsupportedVersion
        /// The type frame is not 2 bytes, or the id frame is not 16 bytes.
        case invalidFrameLength
        /// The type frame names no known message type.
        case unknownMessageType
        /// The body is not valid protobuf for the message type (truncated, garbage,
        /// invalid UTF-8 in a string, ...).
        case invalidBody
        /// A field the protocol requires is absent or empty.
        case missingRequiredField
        /// A field has a value the receiver cannot use (unspecified or unknown value of
        /// an enum it must act on, an id of the wrong length, ...).
        case invalidFieldValue
        /// The PUB topic frame does not match the message.
        case topicMismatch
        /// Serializing a body failed (not expected with proto3 bodies).
        case encodingFailed

        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String
    public var cause: (any Error)?
    /// The message type, when the type frame could be read.
    public var messageType: MessageType?
    /// The message id, when the id frame could be read.
    public var messageID: MessageID?

    public init(
        code: Code,
        message: String,
        cause: (any Error)? = nil,
        messageType: MessageType? = nil,
        messageID: MessageID? = nil
    ) {
        self.code = code
        self.message = message
        self.cause = cause
        self.messageType = messageType
        self.messageID = messageID
    }

    public var description: String {
        var text = "WireError(\(code)): \(message)"
        if let messageType { text += " [type \(messageType)]" }
        if let messageID { text += " [id \(messageID)]" }
        if let cause { text += " (cause: \(cause))" }
        return text
    }
}

extension WireError {
    static func missing(_ field: String) -> WireError {
        WireError(code: .missingRequiredField, message: "required field '\(field)' is missing or empty")
    }

    static func invalid(_ field: String, _ detail: String) -> WireError {
        WireError(code: .invalidFieldValue, message: "field '\(field)': \(detail)")
    }
}
