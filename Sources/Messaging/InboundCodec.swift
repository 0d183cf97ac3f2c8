#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import Metrics
import Wire
import ZeroMQ

/// Decodes what a link's socket receives, and accounts for it: every message under
/// `switchboard_wire_received_total{link, type}` (how many messages of each kind a process
/// handles, per conversation the figure the protocol's cost comes from), and a malformed one
/// logged, counted under `switchboard_wire_rejected_total{link, reason}` and dropped (G4); it
/// never reaches the owner and never stops the link.
struct InboundCodec: Sendable {
    let link: String
    let logger: Logger
    /// One counter per message type, made once (a lookup per message, no allocation).
    private let received: [MessageType: Counter]
    private let metrics: any MetricsFactory

    init(link: String, logger: Logger, metrics: any MetricsFactory = MetricsSystem.factory) {
        self.link = link
        self.logger = logger
        self.metrics = metrics
        received = Dictionary(uniqueKeysWithValues: MessageType.allCases.map { type in
            (type, Counter(label: "switchboard_wire_received_total", dimensions: [("link", link), ("type", type.name)], factory: metrics))
        })
    }

    /// `routed`: a ROUTER socket's first frame is the sender's routing id.
    /// `published`: a SUB socket's first frame is the topic.
    func decode(_ frames: ArraySlice<[UInt8]>, published: Bool = false) -> Envelope? {
        do {
            let envelope = published ? try WireCodec.decodePublished(frames: frames) : try WireCodec.decode(frames: frames)
            received[envelope.type]?.increment()
            return envelope
        } catch {
            reject(error)
            return nil
        }
    }

    func reject(_ error: WireError) {
        Counter(label: "switchboard_wire_rejected_total", dimensions: [("link", link), ("reason", error.code.rawValue)], factory: metrics)
            .increment()
        logger.warning(
            "rejected a malformed message",
            metadata: [
                "link": "\(link)", "reason": "\(error.code)", "detail": "\(error.message)",
                "message.type": "\(error.messageType.map { $0.name } ?? "?")",
                "message.id": "\(error.messageID.map { "\($0)" } ?? "?")",
            ])
    }
}

/// `envelope` encoded with its type and id, for `sendReliably`.
func encodeEnvelope(_ envelope: Envelope) throws(MessagingError) -> EncodedEnvelope {
    do {
        return try WireCodec.encoded(envelope)
    } catch {
        throw MessagingError(code: .encodingFailed, message: "cannot encode \(envelope.type.name)", cause: error)
    }
}

func encodeFrames(_ envelope: Envelope) throws(MessagingError) -> [[UInt8]] {
    try encodeEnvelope(envelope).frames
}

func transportError(_ error: any Error, _ what: String) -> MessagingError {
    if let error = error as? MessagingError { return error }
    return MessagingError(code: .transport, message: what, cause: error as? ZeroMQError)
}

/// Milliseconds since the Unix epoch, as the protocol writes times.
func unixMilliseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_REALTIME, &time)
    return Int64(time.tv_sec) * 1000 + Int64(time.tv_nsec) / 1_000_000
}
