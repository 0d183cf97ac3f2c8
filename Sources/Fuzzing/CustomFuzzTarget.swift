import Foundation
import HTTPTypes
import Ingress
import Logging
import Storage

/// The custom channel's webhook (docs/channels/custom.md): signed JSON with a timestamp.
struct CustomFuzzTarget: FuzzTarget {
    let name = "custom"
    let about = "POST /channels/custom/:channelId/messages: mutated JSON, signatures, timestamps, content types"

    static let templates: [[UInt8]] = [
        #"{"messageId":"app-msg-1","customer":{"id":"user-42","displayName":"Ada Example","locale":"en-GB"},"text":"Where is my invoice?","context":{"orderTotal":120.5,"topic":"invoice"}}"#,
        #"{"messageId":"app-msg-2","customer":{"id":"user-43"},"text":"Photo attached","sentAt":"2024-05-29T16:26:40.123Z","attachments":[{"url":"https://cdn.example.test/p.jpg","contentType":"image/jpeg","name":"p.jpg","sizeBytes":1234}],"context":{"cartItems":3,"appVersion":"2.1"}}"#,
    ].map { Array($0.utf8) }

    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        let directory = FuzzDirectory()
        defer { directory.remove() }
        let configuration = try FuzzConfiguration.load()
        let adapter = try CustomChannelAdapter(configuration: configuration, environment: FuzzConfiguration.environment)
        let store = try OutboxStore(directory: try directory.data(process: "ingress-custom"))
        let harness = WebhookHarness(target: name, adapter: adapter, store: store, logger: logger)
        return try await harness.run(seed: seed, iterations: iterations) { random in Self.input(&random) }
    }

    static let channels = ["fuzz-app": FuzzConfiguration.customSecret, "fuzz-other-app": FuzzConfiguration.otherCustomSecret]

    static func input(_ random: inout SplitMix64) -> WebhookInput {
        let (body, template, label) = WebhookBody.make(
            templates, fresh: { JSONMutator.withUniqueID($0, key: "messageId", &$1) }, structure: JSONMutator.mutate, &random)
        let channel: String
        switch random.index(20) {
        case 0: channel = random.token()
        case 1..<3: channel = "fuzz-other-app"
        default: channel = "fuzz-app"
        }
        let uri = "/channels/custom/\(channel)/messages"
        let now = Date()
        var timestamp = now
        var fresh = true
        if random.chance(1, in: 20) {
            // Clearly outside the 300 s tolerance: the edge itself moves with the clock.
            timestamp = now.addingTimeInterval(random.pick([-100_000, -330, 330, 1e9]))
            fresh = false
        }
        let ownSecret = channels[channel] ?? "no-such-channel"
        let choice = SignatureChoice.pick(&random)
        let secret = choice == .otherSecret ? (channel == "fuzz-app" ? FuzzConfiguration.otherCustomSecret : FuzzConfiguration.customSecret) : ownSecret
        var signed = CustomChannelSignature(secret: Array(secret.utf8)).sign(body: choice == .forOtherBody ? template : body, now: timestamp)
        var valid = channels[channel] != nil && fresh && (choice == .resigned || (choice == .forOtherBody && template == body))
        var headers = HTTPFields()
        headers[.contentType] = random.chance(1, in: 12) ? random.pick(["text/plain", "application/jsonx", "", "application/json; charset=utf-8"]) : "application/json"
        switch choice {
        case .missing:
            signed.signature = ""
            valid = false
        case .garbage:
            signed.signature = SignatureChoice.garbage(&random)
            valid = false
        case .caseChanged:
            signed.signature = signed.signature.uppercased()  // SHA256= prefix: refused
            valid = false
        default: break
        }
        if random.chance(1, in: 30) {
            signed.timestamp = random.pick(["", "abc", "-1", "0", "99999999999999999999", "1e9", "+\(signed.timestamp)"])
            valid = false
        } else if random.chance(1, in: 30) {
            // Still valid: HTTP drops the whitespace around a field value.
            signed.timestamp = " \(signed.timestamp)\t"
        }
        if !signed.signature.isEmpty, let field = HTTPField.Name(CustomChannelSignature.signatureHeader) { headers[field] = signed.signature }
        if let field = HTTPField.Name(CustomChannelSignature.timestampHeader) { headers[field] = signed.timestamp }
        return WebhookInput(uri: uri, headers: headers, body: body, signed: valid, label: label)
    }
}
