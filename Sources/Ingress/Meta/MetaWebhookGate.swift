import HTTPTypes
import SwitchboardCore

/// What every Meta webhook request (Messenger, WhatsApp) passes before its body is parsed:
/// the channel candidates from the URL, the subscription handshake for a GET, the
/// signature for a POST.
///
/// One Meta app has one callback URL for all its pages / numbers, so the body names the
/// channel (`entry[].id` is the page id, `metadata.phone_number_id` the number): the app-wide
/// URL `/channels/<type>` serves every configured channel of the type. The per-channel URL
/// `/channels/<type>/<channelId>` narrows the candidates to that one channel (404 when it is
/// not configured). A POST is authentic when one candidate's app secret signed the raw
/// body; only the candidates of that secret are returned, so an app cannot deliver
/// messages for another app's page.
struct MetaWebhookGate: Sendable {
    /// Beyond this, 413 (Meta: "payloads can be up to 3 MB").
    static let maximumBodyBytes = 3 << 20

    struct Channel: Sendable {
        let id: String
        /// Page id or phone number id.
        let providerID: String
        let appSecret: [UInt8]
        let verifyToken: [UInt8]
    }

    enum Admission: Sendable {
        /// Answered without parsing: the handshake, or a rejection.
        case answer(AdapterVerdict)
        /// A signed POST: these channels (by provider id) may receive its entries.
        case signed(byProviderID: [String: Channel])
    }

    let channelType: ChannelType
    /// In configuration order.
    let channels: [Channel]

    var routes: [AdapterRoute] {
        let base = "/channels/\(channelType.rawValue)"
        let methods: [HTTPRequest.Method] = [.get, .post]
        return methods.flatMap { method in
            [base, base + "/:channelId"].map { AdapterRoute(method: method, path: $0, maximumBodyBytes: Self.maximumBodyBytes) }
        }
    }

    func admit(_ request: RawRequest) -> Admission {
        let candidates: [Channel]
        if let id = request.parameters["channelId"] {
            guard let channel = channels.first(where: { $0.id == id }) else {
                return .answer(.reject(IngressRejection(.unknownChannel, "no \(channelType.rawValue) channel \"\(id.prefix(64))\"")))
            }
            candidates = [channel]
        } else {
            candidates = channels
        }
        guard !candidates.isEmpty else {
            return .answer(.reject(IngressRejection(.unknownChannel, "no \(channelType.rawValue) channel is configured")))
        }
        if request.method == .get {
            return .answer(MetaVerification.answer(uri: request.uri, verifyTokens: candidates.map(\.verifyToken)))
        }
        let hex: Substring
        switch MetaSignature.parse(request.header(MetaSignature.header)) {
        case .failure(let rejection): return .answer(.reject(rejection))
        case .success(let value): hex = value
        }
        // Each distinct secret is tried once: channels of one Meta app share it.
        var outcomeBySecret: [[UInt8]: Bool] = [:]
        var signed: [String: Channel] = [:]
        for channel in candidates {
            let valid = outcomeBySecret[channel.appSecret]
                ?? HMACSignature.isValidHexSHA256(hex, key: channel.appSecret, message: request.body)
            outcomeBySecret[channel.appSecret] = valid
            if valid { signed[channel.providerID] = channel }
        }
        guard !signed.isEmpty else { return .answer(.reject(.signature("signature does not match"))) }
        return .signed(byProviderID: signed)
    }
}

/// Meta's subscription handshake: `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…`
/// is answered 200 with the challenge as-is when the mode and a candidate's token match,
/// else 403.
enum MetaVerification {
    static func answer(uri: String, verifyTokens: [[UInt8]]) -> AdapterVerdict {
        // Form-decoded like any query (`+` a space, `%XX` a byte); the first of a repeated name counts.
        let rawQuery = uri.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        var query: [String: String] = [:]
        switch FormURLEncoded.decode(rawQuery.utf8) {
        case .failure(let failure): return .reject(.malformed("the query string is malformed: \(failure.reason)"))
        case .success(let fields):
            for field in fields where query[field.name] == nil { query[field.name] = field.value }
        }
        guard query["hub.mode"] == "subscribe" else {
            return .reject(.signature("hub.mode must be subscribe"))
        }
        guard let token = query["hub.verify_token"], verifyTokens.contains(where: { ConstantTime.equal($0, token.utf8) }) else {
            return .reject(.signature("hub.verify_token does not match"))
        }
        guard let challenge = query["hub.challenge"], !challenge.isEmpty else {
            return .reject(.malformed("hub.challenge is missing"))
        }
        return .respond(AdapterResponse(status: .ok, contentType: "text/plain; charset=utf-8", body: Array(challenge.utf8)))
    }
}

/// A Meta webhook body, whose `object` names the product it is for.
protocol MetaWebhookPayload: Decodable {
    /// `page` (Messenger), `whatsapp_business_account`.
    static var expectedObject: String { get }
    var object: String? { get }
}

extension MetaWebhookGate {
    enum Received<Payload> {
        case answer(AdapterVerdict)
        /// A signed, decoded POST and the channels that may receive its entries, by provider id.
        case signed(Payload, byProviderID: [String: Channel])
    }

    /// `admit`, then the body decoded (400 when it is not JSON of the payload's outer shape)
    /// and its `object` checked.
    func receive<Payload: MetaWebhookPayload>(_ request: RawRequest, as type: Payload.Type) -> Received<Payload> {
        let channels: [String: Channel]
        switch admit(request) {
        case .answer(let verdict): return .answer(verdict)
        case .signed(let signed): channels = signed
        }
        let payload: Payload
        switch MetaPayloadDecoding.decode(Payload.self, from: request.body) {
        case .failure(let rejection): return .answer(.reject(rejection))
        case .success(let decoded): payload = decoded
        }
        guard payload.object == Payload.expectedObject else {
            let found = payload.object.map { "\"\($0.prefix(32))\"" } ?? "none"
            return .answer(.reject(.malformed("object must be \"\(Payload.expectedObject)\", got \(found)")))
        }
        return .signed(payload, byProviderID: channels)
    }
}
