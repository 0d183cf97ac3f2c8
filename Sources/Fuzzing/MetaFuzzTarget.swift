import Foundation
import HTTPTypes
import Ingress
import Logging
import Storage
import SwitchboardCore

/// Meta's webhooks (docs/channels/facebook.md, whatsapp.md): `X-Hub-Signature-256` over the
/// raw body with the app secret, plus the subscription handshake GET.
struct MetaFuzzTarget: FuzzTarget {
    let channelType: ChannelType
    var name: String { channelType.rawValue }
    var about: String { "GET/POST /channels/\(channelType.rawValue)[/:channelId]: handshakes, mutated JSON, X-Hub-Signature-256" }

    var secrets: [String] {
        channelType == .facebook
            ? [FuzzConfiguration.messengerSecret, FuzzConfiguration.otherMessengerSecret]
            : [FuzzConfiguration.whatsAppSecret, FuzzConfiguration.otherWhatsAppSecret]
    }

    var channelIDs: [String] { channelType == .facebook ? ["facebook-page", "facebook-outlet"] : ["whatsapp-support", "whatsapp-export"] }
    var verifyTokens: [String] { channelType == .facebook ? ["fb-verify-token", "outlet-verify-token"] : ["wa-verify-token", "export-verify-token"] }

    /// The known-answer vectors of channels.md, and bodies with several entries, echoes,
    /// attachments, media, statuses and a second page or number.
    var templates: [[UInt8]] {
        let texts: [String]
        if channelType == .facebook {
            let message = { (mid: String, page: String, extra: String) in
                #"{"sender":{"id":"7000000000000001"},"recipient":{"id":"\#(page)"},"timestamp":1717000000123,"message":{"mid":"\#(mid)","text":"hello"\#(extra)}}"#
            }
            let attachments = #","attachments":[{"type":"image","payload":{"url":"https://cdn.example/p.jpg"}}]"#
            texts = [
                #"{"object":"page","entry":[{"id":"900000000000001","time":1717000000500,"messaging":[{"sender":{"id":"7000000000000001"},"recipient":{"id":"900000000000001"},"timestamp":1717000000123,"message":{"mid":"m_TESTMID0001","text":"Hi, is my order shipped?"}}]}]}"#,
                #"{"object":"page","entry":[{"id":"900000000000001","time":1717000000500,"messaging":[\#(message("m_f1", "900000000000001", "")),\#(message("m_f2", "900000000000001", #","is_echo":true"#))]},{"id":"900000000000002","time":1717000000500,"messaging":[\#(message("m_f3", "900000000000002", attachments))]}]}"#,
            ]
        } else {
            let change = { (number: String, rest: String) in
                #"{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550002222","phone_number_id":"\#(number)"}\#(rest)},"field":"messages"}"#
            }
            let text = #"{"from":"15550001111","id":"wamid.F1","timestamp":"1717000000","type":"text","text":{"body":"hello"}}"#
            let media = #"{"from":"15550001111","id":"wamid.F2","timestamp":"1717000000","type":"image","image":{"caption":"c","mime_type":"image/jpeg","id":"42"}}"#
            let status = #"{"id":"wamid.S1","status":"delivered","timestamp":"1717000100","recipient_id":"15550001111"}"#
            texts = [
                #"{"object":"whatsapp_business_account","entry":[{"id":"100000000000001","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550002222","phone_number_id":"200000000000001"},"contacts":[{"profile":{"name":"Ada Example"},"wa_id":"15550001111"}],"messages":[{"from":"15550001111","id":"wamid.TEST0001","timestamp":"1717000000","type":"text","text":{"body":"Hello, I need a refund"}}]},"field":"messages"}]}]}"#,
                #"{"object":"whatsapp_business_account","entry":[{"id":"100000000000001","changes":[\#(change("200000000000001", #","contacts":[{"profile":{"name":"Ada"},"user_id":"US.1"}],"messages":[\#(text),\#(media)]"#)),\#(change("200000000000001", #","statuses":[\#(status)]"#)),\#(change("200000000000002", #","messages":[\#(text)]"#))]}]}"#,
            ]
        }
        return texts.map { Array($0.utf8) }
    }

    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        let directory = FuzzDirectory()
        defer { directory.remove() }
        let configuration = try FuzzConfiguration.load()
        let data = try directory.data(process: "ingress-\(channelType.rawValue)")
        let store = try OutboxStore(directory: data)
        var receipts: DeliveryStatusStore?
        let adapter: any ChannelAdapter
        if channelType == .facebook {
            adapter = try MessengerAdapter(configuration: configuration, environment: FuzzConfiguration.environment, logger: logger)
        } else {
            let statuses = try DeliveryStatusStore(directory: data)
            receipts = statuses
            adapter = WhatsAppAdapter(
                configuration: configuration, secrets: try .whatsapp(configuration, environment: FuzzConfiguration.environment),
                statuses: statuses, logger: logger)
        }
        var harness = WebhookHarness(target: name, adapter: adapter, store: store, logger: logger)
        harness.receipts = receipts
        let (templates, secrets, channelIDs, verifyTokens, type) = (self.templates, self.secrets, self.channelIDs, self.verifyTokens, channelType)
        return try await harness.run(seed: seed, iterations: iterations) { random in
            Self.input(type, templates: templates, secrets: secrets, channelIDs: channelIDs, verifyTokens: verifyTokens, &random)
        }
    }

    static func input(
        _ type: ChannelType, templates: [[UInt8]], secrets: [String], channelIDs: [String], verifyTokens: [String],
        _ random: inout SplitMix64
    ) -> WebhookInput {
        var uri = "/channels/\(type.rawValue)"
        switch random.index(10) {
        case 0..<6: break
        case 6..<9: uri += "/" + random.pick(channelIDs)
        default: uri += "/" + random.token()
        }
        if random.chance(1, in: 10) {
            // The handshake, with random or right parts; it never stores anything.
            let mode = random.chance(1, in: 2) ? "subscribe" : random.token()
            let token = random.chance(1, in: 2) ? random.pick(verifyTokens) : random.token()
            let parts = ["hub.mode=\(mode)", "hub.verify_token=\(token)", "hub.challenge=\(random.token())"].filter { _ in !random.chance(1, in: 6) }
            return WebhookInput(method: .get, uri: uri + "?" + parts.joined(separator: "&"), signed: false, label: "handshake")
        }
        let (body, template, label) = WebhookBody.make(templates, fresh: uniqueIDs, structure: JSONMutator.mutate, &random)
        let secret = Array(random.pick(secrets).utf8)
        var header: String?
        switch SignatureChoice.pick(&random) {
        case .resigned: header = MetaSignature.sign(body: body, secret: secret)
        case .forOtherBody: header = MetaSignature.sign(body: template, secret: secret)
        case .missing: header = nil
        case .garbage: header = SignatureChoice.garbage(&random)
        case .otherSecret: header = MetaSignature.sign(body: body, secret: Array("not-an-app-secret".utf8))
        case .caseChanged: header = MetaSignature.sign(body: body, secret: secret).uppercased()
        }
        var headers = HTTPFields()
        if random.chance(3, in: 4) { headers[.contentType] = random.chance(1, in: 10) ? "text/plain" : "application/json" }
        if let header, let field = HTTPField.Name(MetaSignature.header) { headers[field] = header }
        return WebhookInput(uri: uri, headers: headers, body: body, signed: isSigned(header, body: body, secrets: secrets), label: label)
    }

    /// Whether Meta could have sent it: `sha256=` and the hex HMAC of the body under one of the app secrets.
    static func isSigned(_ header: String?, body: [UInt8], secrets: [String]) -> Bool {
        guard let header, header.hasPrefix("sha256=") else { return false }
        let hex = header.dropFirst("sha256=".count)
        return secrets.contains { HMACSignature.isValidHexSHA256(hex, key: Array($0.utf8), message: body) }
    }

    /// The template with fresh message ids (`mid`, `id` of messages), so valid inputs are new rows.
    static func uniqueIDs(_ body: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        let suffix = String(random.next(), radix: 36)
        var text = String(decoding: body, as: UTF8.self)
        for marker in [#""mid":"m_"#, #""id":"wamid."#] {
            text = text.replacingOccurrences(of: marker, with: marker + suffix)
        }
        return Array(text.utf8)
    }
}
