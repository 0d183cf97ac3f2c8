import Foundation
import HTTPTypes
import Ingress
import Logging
import Storage

/// X's Account Activity webhook (docs/channels/twitter.md): the CRC GET and signed POSTs.
struct TwitterFuzzTarget: FuzzTarget {
    let name = "twitter"
    let about = "GET/POST /channels/twitter/:channelId: CRC checks, mutated JSON, x-twitter-webhooks-signature"

    static let ourAccount = "1500000000000000001"
    static let customer = "7000000000000000001"

    static func event(id: String, sender: String = customer, extra: String = "") -> String {
        #"{"type":"message_create","id":"\#(id)","created_timestamp":"1717000000123","message_create":{"target":{"recipient_id":"\#(ourAccount)"},"sender_id":"\#(sender)","message_data":{"text":"Hello","entities":{"hashtags":[],"symbols":[],"user_mentions":[],"urls":[]}\#(extra)}}}"#
    }

    static let templates: [[UInt8]] = [
        [event(id: "f-1"), event(id: "f-2", sender: ourAccount)],
        [event(id: "f-3", extra: #","attachment":{"type":"media","media":{"media_url_https":"https://pbs.example/m.jpg","type":"photo"}}"#)],
    ].map { events in
        Array(#"{"for_user_id":"\#(ourAccount)","direct_message_events":[\#(events.joined(separator: ","))],"users":{"\#(customer)":{"id":"\#(customer)","created_timestamp":"1500000000000","name":"Ada Example","screen_name":"ada_example","protected":false,"verified":false,"followers_count":3,"friends_count":5,"statuses_count":7},"\#(ourAccount)":{"id":"\#(ourAccount)","name":"Northwind Help","screen_name":"northwind_help"}}}"#.utf8)
    }

    static let signer = XWebhookSignature(consumerSecret: Array(FuzzConfiguration.xConsumerSecret.utf8))

    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        let directory = FuzzDirectory()
        defer { directory.remove() }
        let adapter = try TwitterChannelAdapter(configuration: try FuzzConfiguration.load(), environment: FuzzConfiguration.environment)
        let store = try OutboxStore(directory: try directory.data(process: "ingress-twitter"))
        let harness = WebhookHarness(target: name, adapter: adapter, store: store, logger: logger)
        return try await harness.run(seed: seed, iterations: iterations) { random in Self.input(&random) }
    }

    static func input(_ random: inout SplitMix64) -> WebhookInput {
        let uri = "/channels/twitter/" + (random.chance(1, in: 15) ? random.token() : "x-support")
        if random.chance(1, in: 10) {
            let query = random.pick(["crc_token=\(random.token())", "crc_token=", "nonce=1", "crc_token=%ZZ&crc_token=b", random.token()])
            return WebhookInput(method: .get, uri: uri + "?" + query, signed: false, label: "crc")
        }
        let (body, template, label) = WebhookBody.make(
            templates, fresh: { body, random in body.replacingIDs(random.next()) }, structure: JSONMutator.mutate, &random)
        let correct = signer.sign(body: body)
        var header: String?
        switch SignatureChoice.pick(&random) {
        case .resigned: header = correct
        case .forOtherBody: header = signer.sign(body: template)
        case .missing: header = nil
        case .garbage: header = SignatureChoice.garbage(&random)
        case .otherSecret: header = XWebhookSignature(consumerSecret: Array("another-consumer-secret".utf8)).sign(body: body)
        case .caseChanged: header = correct.lowercased()
        }
        var headers = HTTPFields()
        headers[.contentType] = random.chance(1, in: 10) ? random.pick(["text/plain", "", "application/json; charset=utf-8"]) : "application/json"
        if let header, let field = HTTPField.Name(XWebhookSignature.header) { headers[field] = header }
        return WebhookInput(uri: uri, headers: headers, body: body, signed: header == correct, label: label)
    }
}

extension [UInt8] {
    /// X event ids (`"id":"f-`) made unique, so a valid template is a new message.
    func replacingIDs(_ value: UInt64) -> [UInt8] {
        Array(String(decoding: self, as: UTF8.self).replacingOccurrences(of: #""id":"f-"#, with: #""id":"f-\#(value)-"#).utf8)
    }
}
