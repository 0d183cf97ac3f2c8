// Types shared by several messages (common.proto).

/// A file sent with a message, by reference.
public struct Attachment: Sendable, Hashable {
    /// Required.
    public var url: String
    /// MIME type; empty when unknown.
    public var contentType: String
    /// File name; empty when unknown.
    public var name: String
    /// 0 when unknown.
    public var sizeBytes: UInt64

    public init(url: String, contentType: String = "", name: String = "", sizeBytes: UInt64 = 0) {
        self.url = url
        self.contentType = contentType
        self.name = name
        self.sizeBytes = sizeBytes
    }
}

/// A typed context variable value (spec W2).
public enum ContextValue: Sendable, Hashable {
    case text(String)
    case number(Double)
}

/// The outcome of an acknowledgement (wire.md section 4).
public enum AckOutcome: Sendable, Hashable {
    /// Recorded durably now.
    case accepted
    /// Recorded before under this id; nothing changed.
    case duplicate
    /// Will never be accepted; the sender stops resending.
    case rejected(reason: String)
}

/// Base presence (spec P1).
public enum BasePresence: String, Sendable, Hashable, CaseIterable {
    case available, busy, busyDnd, away, offline
}

/// An inbound customer message as the adapter recorded it (Submit, Deliver).
public struct InboundMessage: Sendable, Hashable {
    /// Required (spec C2).
    public var channelInstanceID: String
    /// Required: `chat`, `sms`, `facebook`, `whatsapp`, `twitter`, `custom`, ...
    public var channelType: String
    /// Required: the provider's message id, dedupe key of R3.
    public var providerMessageID: String
    /// Required: phone number, page-scoped id, wa_id, visitor token, ...
    public var customerAddress: String
    public var customerDisplayName: String?
    public var text: String
    public var attachments: [Attachment]
    /// Context values by variable name (W2).
    public var context: [String: ContextValue]
    /// Raw channel data (page id, number, ...).
    public var channelData: [String: String]
    /// BCP 47.
    public var locale: String?
    /// The provider's time, ms since the Unix epoch.
    public var providerTimestampMs: Int64?
    /// When the adapter received it, ms since the Unix epoch.
    public var receivedAtMs: Int64
    /// Live chat: the browser's own message id.
    public var clientMessageID: String?

    public init(
        channelInstanceID: String,
        channelType: String,
        providerMessageID: String,
        customerAddress: String,
        customerDisplayName: String? = nil,
        text: String = "",
        attachments: [Attachment] = [],
        context: [String: ContextValue] = [:],
        channelData: [String: String] = [:],
        locale: String? = nil,
        providerTimestampMs: Int64? = nil,
        receivedAtMs: Int64 = 0,
        clientMessageID: String? = nil
    ) {
        self.channelInstanceID = channelInstanceID
        self.channelType = channelType
        self.providerMessageID = providerMessageID
        self.customerAddress = customerAddress
        self.customerDisplayName = customerDisplayName
        self.text = text
        self.attachments = attachments
        self.context = context
        self.channelData = channelData
        self.locale = locale
        self.providerTimestampMs = providerTimestampMs
        self.receivedAtMs = receivedAtMs
        self.clientMessageID = clientMessageID
    }
}

/// Generic acknowledgement (type 0x0003) of Offer, OfferReply and OfferWithdrawn.
public struct Ack: Sendable, Hashable {
    /// The message id being acknowledged.
    public var ackedID: MessageID
    public var outcome: AckOutcome

    public init(ackedID: MessageID, outcome: AckOutcome) {
        self.ackedID = ackedID
        self.outcome = outcome
    }
}

// MARK: protobuf mapping

typealias PBAttachment = Switchboard_Wire_V1_Attachment
typealias PBContextValue = Switchboard_Wire_V1_ContextValue
typealias PBAckOutcome = Switchboard_Wire_V1_AckOutcome
typealias PBBasePresence = Switchboard_Wire_V1_BasePresence

extension Attachment {
    init(proto: PBAttachment, field: String) throws(WireError) {
        self.init(
            url: try requireText(proto.url, "\(field).url"),
            contentType: proto.contentType,
            name: proto.name,
            sizeBytes: proto.sizeBytes)
    }

    var proto: PBAttachment {
        var proto = PBAttachment()
        proto.url = url
        proto.contentType = contentType
        proto.name = name
        proto.sizeBytes = sizeBytes
        return proto
    }
}

func decodeAttachments(_ protos: [PBAttachment], field: String) throws(WireError) -> [Attachment] {
    var result = [Attachment]()
    result.reserveCapacity(protos.count)
    for (index, proto) in protos.enumerated() {
        result.append(try Attachment(proto: proto, field: "\(field)[\(index)]"))
    }
    return result
}

extension ContextValue {
    init(proto: PBContextValue, field: String) throws(WireError) {
        switch proto.value {
        case .text(let text): self = .text(text)
        case .number(let number): self = .number(number)
        case nil: throw WireError.invalid(field, "a context value must be text or number")
        }
    }

    var proto: PBContextValue {
        var proto = PBContextValue()
        switch self {
        case .text(let text): proto.text = text
        case .number(let number): proto.number = number
        }
        return proto
    }
}

func decodeContext(_ protos: [String: PBContextValue], field: String) throws(WireError) -> [String: ContextValue] {
    var result = [String: ContextValue](minimumCapacity: protos.count)
    for (name, proto) in protos {
        guard !name.isEmpty else { throw WireError.invalid(field, "a context variable name is empty") }
        _ = try checkID(name, "\(field) variable name")
        result[name] = try ContextValue(proto: proto, field: "\(field)[\(name)]")
    }
    return result
}

func protoContext(_ context: [String: ContextValue]) -> [String: PBContextValue] {
    context.mapValues(\.proto)
}

extension AckOutcome {
    init(proto: PBAckOutcome, reason: String, field: String) throws(WireError) {
        switch proto {
        case .accepted: self = .accepted
        case .duplicate: self = .duplicate
        case .rejected: self = .rejected(reason: reason)
        case .unspecified: throw WireError.missing(field)
        case .UNRECOGNIZED(let raw): throw WireError.invalid(field, "unknown ack outcome \(raw)")
        }
    }

    var proto: (outcome: PBAckOutcome, reason: String) {
        switch self {
        case .accepted: (.accepted, "")
        case .duplicate: (.duplicate, "")
        case .rejected(let reason): (.rejected, reason)
        }
    }
}

extension BasePresence {
    init(proto: PBBasePresence, field: String) throws(WireError) {
        switch proto {
        case .available: self = .available
        case .busy: self = .busy
        case .busyDnd: self = .busyDnd
        case .away: self = .away
        case .offline: self = .offline
        case .unspecified: throw WireError.missing(field)
        case .UNRECOGNIZED(let raw): throw WireError.invalid(field, "unknown base presence \(raw)")
        }
    }

    var proto: PBBasePresence {
        switch self {
        case .available: .available
        case .busy: .busy
        case .busyDnd: .busyDnd
        case .away: .away
        case .offline: .offline
        }
    }
}

extension InboundMessage {
    /// Throws what a receiver's decoder would refuse in this message (an id too long, a NUL in
    /// an id, ...), so an adapter can refuse a provider's request before storing a message
    /// the router would never accept.
    public func checkReceivable() throws(WireError) {
        _ = try InboundMessage(proto: proto, field: "message")
    }

    init(proto: Switchboard_Wire_V1_InboundMessage, field: String) throws(WireError) {
        self.init(
            channelInstanceID: try requireID(proto.channelInstanceID, "\(field).channel_instance_id"),
            channelType: try requireID(proto.channelType, "\(field).channel_type"),
            providerMessageID: try requireID(proto.providerMessageID, "\(field).provider_message_id"),
            customerAddress: try requireID(proto.customerAddress, "\(field).customer_address"),
            customerDisplayName: nonEmpty(proto.customerDisplayName),
            text: proto.text,
            attachments: try decodeAttachments(proto.attachments, field: "\(field).attachments"),
            context: try decodeContext(proto.context, field: "\(field).context"),
            channelData: proto.channelData,
            locale: nonEmpty(proto.locale),
            providerTimestampMs: proto.hasProviderTimestampMs ? proto.providerTimestampMs : nil,
            receivedAtMs: proto.receivedAtMs,
            clientMessageID: try optionalID(proto.clientMessageID, "\(field).client_message_id"))
    }

    var proto: Switchboard_Wire_V1_InboundMessage {
        var proto = Switchboard_Wire_V1_InboundMessage()
        proto.channelInstanceID = channelInstanceID
        proto.channelType = channelType
        proto.providerMessageID = providerMessageID
        proto.customerAddress = customerAddress
        proto.customerDisplayName = customerDisplayName ?? ""
        proto.text = text
        proto.attachments = attachments.map(\.proto)
        proto.context = protoContext(context)
        proto.channelData = channelData
        proto.locale = locale ?? ""
        if let providerTimestampMs { proto.providerTimestampMs = providerTimestampMs }
        proto.receivedAtMs = receivedAtMs
        proto.clientMessageID = clientMessageID ?? ""
        return proto
    }
}

extension Ack: ProtobufBacked {
    init(proto: Switchboard_Wire_V1_Ack) throws(WireError) {
        self.init(
            ackedID: try requireMessageID(proto.ackedID, "acked_id"),
            outcome: try AckOutcome(proto: proto.outcome, reason: proto.reason, field: "outcome"))
    }

    var proto: Switchboard_Wire_V1_Ack {
        var proto = Switchboard_Wire_V1_Ack()
        proto.ackedID = ackedID.data
        (proto.outcome, proto.reason) = outcome.proto
        return proto
    }
}
