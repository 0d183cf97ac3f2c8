import SwiftProtobuf

/// Encodes an `Envelope` into the four frames of protocol v1 and decodes them back
/// (wire.md section 1):
///
///     [ "SWB" + version ] [ type, 2 bytes BE ] [ message id, 16 bytes ] [ protobuf body ]
///
/// ROUTER routing-id frames are not part of this: the socket owner strips and
/// prepends them. `encodePublished`/`decodePublished` add and check the PUB topic frame.
/// Decoding never traps: anything it does not understand is a `WireError`.
public enum WireCodec {
    /// ASCII `SWB`.
    public static let protocolTag: [UInt8] = [0x53, 0x57, 0x42]
    /// The version this build sends.
    public static let currentVersion: UInt8 = 1
    /// The versions this build decodes.
    public static let supportedVersions: [UInt8] = [1]
    /// Frames per message (without routing ids or a PUB topic).
    public static let frameCount = 4
    /// The SUB subscription prefix that receives every `AgentUpdate` (`agent.`).
    public static let agentTopicPrefix: [UInt8] = Array("agent.".utf8)
    /// The PUB topic of `Heartbeat` (`heartbeat`).
    public static let heartbeatTopic: [UInt8] = Array("heartbeat".utf8)
    /// Frame 0 as this build sends it: `SWB` + `currentVersion`.
    private static let tagFrame: [UInt8] = protocolTag + [currentVersion]

    // MARK: encode

    /// The four frames of `envelope`.
    public static func encode(_ envelope: Envelope) throws(WireError) -> [[UInt8]] {
        let body = try encodeBody(envelope.message, id: envelope.id)
        return [
            tagFrame,
            typeFrame(envelope.type),
            envelope.id.bytes,
            body,
        ]
    }

    /// The frames of `envelope` for a PUB socket: the topic frame, then the four frames.
    public static func encodePublished(_ envelope: Envelope) throws(WireError) -> [[UInt8]] {
        var frames = [[UInt8]]()
        frames.reserveCapacity(frameCount + 1)
        frames.append(topic(for: envelope.message))
        frames.append(contentsOf: try encode(envelope))
        return frames
    }

    /// The PUB topic of a message (wire.md section 1): `agent.<agent id>` for an
    /// `AgentUpdate`, `heartbeat` for a `Heartbeat`, else the type's name in lower camel
    /// case.
    public static func topic(for message: WireMessage) -> [UInt8] {
        switch message {
        case .agentUpdate(let update):
            return agentTopicPrefix + Array(update.agent.agentID.utf8)
        case .heartbeat:
            return heartbeatTopic
        default:
            let name = message.type.name
            guard let first = name.first else { return [] }
            return Array((first.lowercased() + name.dropFirst()).utf8)
        }
    }

    // MARK: decode

    /// The version, type and id of a message, without decoding its body (e.g. to forward
    /// it unchanged, or to log what was rejected).
    public static func decodeHeader<Frames: Collection>(
        frames: Frames
    ) throws(WireError) -> (version: UInt8, type: MessageType, id: MessageID)
    where Frames.Element == [UInt8] {
        guard frames.count == frameCount else {
            throw WireError(
                code: .wrongFrameCount, message: "expected \(frameCount) frames, got \(frames.count)")
        }
        var iterator = frames.makeIterator()
        guard let tagFrame = iterator.next(), let typeBytes = iterator.next(), let idBytes = iterator.next()
        else {
            throw WireError(code: .wrongFrameCount, message: "expected \(frameCount) frames")
        }
        let version = try readVersion(tagFrame)
        // Only version 1 exists; a future version adds its own header rules here.
        guard typeBytes.count == 2 else {
            throw WireError(
                code: .invalidFrameLength, message: "type frame must be 2 bytes, got \(typeBytes.count)")
        }
        let rawType = UInt16(typeBytes[typeBytes.startIndex]) << 8 | UInt16(typeBytes[typeBytes.startIndex + 1])
        guard let type = MessageType(rawValue: rawType) else {
            throw WireError(
                code: .unknownMessageType,
                message: "unknown message type 0x\(String(rawType, radix: 16)) in version \(version)")
        }
        guard let id = MessageID(bytes: idBytes) else {
            throw WireError(
                code: .invalidFrameLength,
                message: "message id frame must be \(MessageID.byteCount) bytes, got \(idBytes.count)",
                messageType: type)
        }
        return (version, type, id)
    }

    /// Decodes the four frames of one message.
    public static func decode<Frames: Collection>(
        frames: Frames
    ) throws(WireError) -> Envelope where Frames.Element == [UInt8] {
        let header = try decodeHeader(frames: frames)
        guard let body = frames.dropFirst(3).first else {
            throw WireError(code: .wrongFrameCount, message: "body frame missing")
        }
        do {
            let message = try decodeBody(type: header.type, bytes: body)
            return Envelope(id: header.id, message: message)
        } catch {
            var error = error
            error.messageType = header.type
            error.messageID = header.id
            if error.code != .invalidBody {
                error.message = "\(header.type.name): \(error.message)"
            }
            throw error
        }
    }

    /// Decodes a message received on a SUB socket: topic frame, then the four frames.
    /// The topic must be the one `topic(for:)` gives for the decoded message.
    public static func decodePublished<Frames: Collection>(
        frames: Frames
    ) throws(WireError) -> Envelope where Frames.Element == [UInt8] {
        guard frames.count == frameCount + 1, let topicFrame = frames.first else {
            throw WireError(
                code: .wrongFrameCount,
                message: "expected topic + \(frameCount) frames, got \(frames.count)")
        }
        let envelope = try decode(frames: frames.dropFirst())
        let expected = topic(for: envelope.message)
        guard topicFrame == expected else {
            throw WireError(
                code: .topicMismatch,
                message: "topic '\(String(decoding: topicFrame, as: UTF8.self))' does not match the message (expected '\(String(decoding: expected, as: UTF8.self))')",
                messageType: envelope.type,
                messageID: envelope.id)
        }
        return envelope
    }

    // MARK: internals

    private static func typeFrame(_ type: MessageType) -> [UInt8] {
        [UInt8(truncatingIfNeeded: type.rawValue >> 8), UInt8(truncatingIfNeeded: type.rawValue)]
    }

    private static func readVersion(_ frame: [UInt8]) throws(WireError) -> UInt8 {
        guard frame.count == protocolTag.count + 1, frame.starts(with: protocolTag) else {
            let shown = frame.prefix(8).map { String($0, radix: 16) }.joined(separator: " ")
            throw WireError(
                code: .wrongProtocolTag,
                message: "first frame must be 'SWB' + version byte, got \(frame.count) bytes [\(shown)]")
        }
        let version = frame[frame.startIndex + protocolTag.count]
        guard supportedVersions.contains(version) else {
            throw WireError(
                code: .unsupportedVersion,
                message: "protocol version \(version) is not supported (supported: \(supportedVersions))")
        }
        return version
    }

    private static func encodeBody(_ message: WireMessage, id: MessageID) throws(WireError) -> [UInt8] {
        switch message {
        case .heartbeat(let value): try serialize(value)
        case .disconnect(let value): try serialize(value)
        case .ack(let value): try serialize(value)
        case .submit(let value): try serialize(value)
        case .submitAck(let value): try serialize(value)
        case .ready(let value): try serialize(value)
        case .readyAccepted(let value): try serialize(value)
        case .readyRefused(let value): try serialize(value)
        case .deliver(let value): try serialize(value)
        case .deliverAck(let value): try serialize(value)
        case .agentReply(let value): try serialize(value)
        case .agentReplyAck(let value): try serialize(value)
        case .conversationClosed(let value): try serialize(value)
        case .conversationTransferred(let value): try serialize(value)
        case .reserve(let value): try serialize(value)
        case .grant(let value): try serialize(value)
        case .deny(let value): try serialize(value)
        case .release(let value): try serialize(value)
        case .releaseAck(let value): try serialize(value)
        case .agentUpdate(let value): try serialize(value)
        case .snapshotRequest(let value): try serialize(value)
        case .snapshotReply(let value): try serialize(value)
        case .offer(let value): try serialize(value)
        case .offerReply(let value): try serialize(value)
        case .offerWithdrawn(let value): try serialize(value)
        case .agentAction(let value): try serialize(value)
        case .agentActionResult(let value): try serialize(value)
        case .conversationMessage(let value): try serialize(value)
        case .workItems(let value): try serialize(value)
        }
    }

    private static func decodeBody(type: MessageType, bytes: [UInt8]) throws(WireError) -> WireMessage {
        switch type {
        case .heartbeat: .heartbeat(try parse(bytes))
        case .disconnect: .disconnect(try parse(bytes))
        case .ack: .ack(try parse(bytes))
        case .submit: .submit(try parse(bytes))
        case .submitAck: .submitAck(try parse(bytes))
        case .ready: .ready(try parse(bytes))
        case .readyAccepted: .readyAccepted(try parse(bytes))
        case .readyRefused: .readyRefused(try parse(bytes))
        case .deliver: .deliver(try parse(bytes))
        case .deliverAck: .deliverAck(try parse(bytes))
        case .agentReply: .agentReply(try parse(bytes))
        case .agentReplyAck: .agentReplyAck(try parse(bytes))
        case .conversationClosed: .conversationClosed(try parse(bytes))
        case .conversationTransferred: .conversationTransferred(try parse(bytes))
        case .reserve: .reserve(try parse(bytes))
        case .grant: .grant(try parse(bytes))
        case .deny: .deny(try parse(bytes))
        case .release: .release(try parse(bytes))
        case .releaseAck: .releaseAck(try parse(bytes))
        case .agentUpdate: .agentUpdate(try parse(bytes))
        case .snapshotRequest: .snapshotRequest(try parse(bytes))
        case .snapshotReply: .snapshotReply(try parse(bytes))
        case .offer: .offer(try parse(bytes))
        case .offerReply: .offerReply(try parse(bytes))
        case .offerWithdrawn: .offerWithdrawn(try parse(bytes))
        case .agentAction: .agentAction(try parse(bytes))
        case .agentActionResult: .agentActionResult(try parse(bytes))
        case .conversationMessage: .conversationMessage(try parse(bytes))
        case .workItems: .workItems(try parse(bytes))
        }
    }

    private static func serialize<Value: ProtobufBacked>(_ value: Value) throws(WireError) -> [UInt8] {
        do {
            return try value.proto.serializedBytes()
        } catch {
            throw WireError(code: .encodingFailed, message: "could not serialize \(Value.self)", cause: error)
        }
    }

    private static func parse<Value: ProtobufBacked>(_ bytes: [UInt8]) throws(WireError) -> Value {
        let proto: Value.Proto
        do {
            proto = try Value.Proto(serializedBytes: bytes)
        } catch {
            throw WireError(
                code: .invalidBody,
                message: "body (\(bytes.count) bytes) is not a valid \(Value.self)",
                cause: error)
        }
        return try Value(proto: proto)
    }
}

/// A Swift value type with a protobuf twin in Generated/. Internal: the protobuf types
/// never leak out of the module.
protocol ProtobufBacked {
    associatedtype Proto: SwiftProtobuf.Message
    /// Validates and converts; throws `missingRequiredField` / `invalidFieldValue`.
    init(proto: Proto) throws(WireError)
    var proto: Proto { get }
}
