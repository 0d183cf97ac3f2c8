import Foundation
import Logging
import Storage
import SwitchboardCore
import Wire

/// Takes agent replies from the router (wire.md 5.3): checks that this adapter serves the
/// reply's channel instance, stores it in the reply outbox, and answers `AgentReplyAck` only
/// after the commit. The reply's id is the dedupe key: a resend is answered `DUPLICATE` and
/// stored once, so the customer gets it once.
public struct ReplyIntake: Sendable {
    private let store: ReplyOutboxStore
    private let channelType: ChannelType
    private let channels: Set<String>
    private let ids: MessageIDGenerator
    private let stored: WakeSignal
    private let metrics: ReplyMetrics
    private let logger: Logger

    /// `channels`: the ids of the channel instances whose replies this adapter sends.
    public init(
        store: ReplyOutboxStore, channelType: ChannelType, channels: Set<String>, ids: MessageIDGenerator,
        stored: WakeSignal, metrics: ReplyMetrics, logger: Logger
    ) {
        self.store = store
        self.channelType = channelType
        self.channels = channels
        self.ids = ids
        self.stored = stored
        self.metrics = metrics
        self.logger = logger
    }

    /// The answer to send the router, or nil when the reply could not be stored (the router
    /// resends it).
    func take(_ reply: AgentReply, id: MessageID) async -> Envelope? {
        var logger = logger
        logger[metadataKey: "conversation.id"] = .string(reply.conversationID)
        logger[metadataKey: "message.id"] = "\(id)"
        guard reply.channelType == channelType.rawValue, channels.contains(reply.channelInstanceID) else {
            logger.error("agent reply for a channel this adapter does not serve; refused", metadata: ["channel": "\(reply.channelInstanceID)"])
            return answer(id, .rejected(reason: "ingress-\(channelType.rawValue) has no channel instance '\(reply.channelInstanceID)'"))
        }
        let payload: [UInt8]
        do {
            payload = try ReplyCodec.payload(Envelope(id: id, message: .agentReply(reply)))
        } catch {
            logger.error("cannot encode an agent reply; refused", metadata: ["error": "\(error)"])
            return answer(id, .rejected(reason: "reply cannot be encoded"))
        }
        do {
            let isNew = try await store.insert(ReplyInsert(
                replyID: id.bytes, channelInstanceID: reply.channelInstanceID, payload: payload, createdAtMs: Self.nowMs()))
            if isNew {
                metrics.received.increment()
                logger.info("agent reply stored for sending")
                stored.signal()
            } else {
                metrics.duplicates.increment()
                logger.debug("agent reply already stored")
            }
            return answer(id, isNew ? .accepted : .duplicate)
        } catch {
            logger.error("cannot store an agent reply; not acknowledged", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private func answer(_ id: MessageID, _ outcome: AckOutcome) -> Envelope {
        Envelope(id: ids.next(), message: .agentReplyAck(AgentReplyAck(ackedID: id, outcome: outcome)))
    }

    static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// How a reply sits in the reply outbox: the protobuf body of its `AgentReply` frame; the id
/// is its own column. Decoded through `WireCodec`, so a stored reply is validated like a
/// received one.
enum ReplyCodec {
    static func payload(_ envelope: Envelope) throws(IngressError) -> [UInt8] {
        do {
            return try WireCodec.encode(envelope)[WireCodec.frameCount - 1]
        } catch {
            throw IngressError(code: .encodingFailed, message: "cannot encode \(envelope.type) \(envelope.id)", cause: error)
        }
    }

    static func reply(_ row: ReplyRow) throws(IngressError) -> (MessageID, AgentReply) {
        let type = MessageType.agentReply.rawValue
        let frames = [
            WireCodec.protocolTag + [WireCodec.currentVersion], [UInt8(type >> 8), UInt8(type & 0xff)], row.replyID, row.payload,
        ]
        do {
            let envelope = try WireCodec.decode(frames: frames)
            guard case .agentReply(let reply) = envelope.message else {
                throw IngressError(code: .storeFailed, message: "stored reply is a \(envelope.type)")
            }
            return (envelope.id, reply)
        } catch let error as IngressError {
            throw error
        } catch {
            throw IngressError(code: .storeFailed, message: "stored reply does not decode", cause: error)
        }
    }
}
