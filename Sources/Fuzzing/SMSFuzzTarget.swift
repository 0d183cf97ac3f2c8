import Foundation
import HTTPTypes
import Ingress
import Logging
import Storage
import SwitchboardCore

/// Twilio's inbound SMS webhook (docs/channels/sms.md): a signed form.
struct SMSFuzzTarget: FuzzTarget {
    let name = "sms"
    let about = "POST /channels/sms/twilio: mutated forms, X-Twilio-Signature, content types"

    /// The known-answer vector of channels.md, and a message with media.
    static let templates: [[UInt8]] = [
        "ToCountry=US&ToState=CA&SmsMessageSid=SM11111111111111111111111111111111&NumMedia=0&ToCity=&FromZip=&SmsSid=SM11111111111111111111111111111111&FromState=&SmsStatus=received&FromCity=&Body=Hi%2C+I+need+help+with+order+%234521&FromCountry=US&To=%2B15550002222&ToZip=&NumSegments=1&MessageSid=SM11111111111111111111111111111111&AccountSid=AC00000000000000000000000000000001&From=%2B15550001111&ApiVersion=2010-04-01",
        "MessageSid=MM22222222222222222222222222222222&AccountSid=AC00000000000000000000000000000001&From=%2B447700900123&To=%2B15550002222&Body=&NumMedia=2&MediaUrl0=https%3A%2F%2Fapi.twilio.com%2Fm%2F0&MediaContentType0=image%2Fjpeg&MediaUrl1=https%3A%2F%2Fapi.twilio.com%2Fm%2F1&MediaContentType1=application%2Fpdf&FromCountry=GB",
    ].map { Array($0.utf8) }

    static let signer = HTTPURL(FuzzConfiguration.twilioPublicURL).map {
        TwilioSignature(authToken: Array(FuzzConfiguration.twilioAuthToken.utf8), publicURL: $0)
    }
    static let otherSigner = HTTPURL(FuzzConfiguration.twilioPublicURL).map {
        TwilioSignature(authToken: Array("another-auth-token".utf8), publicURL: $0)
    }

    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        let directory = FuzzDirectory()
        defer { directory.remove() }
        let adapter = try SMSChannelAdapter(configuration: try FuzzConfiguration.load(), environment: FuzzConfiguration.environment)
        let store = try OutboxStore(directory: try directory.data(process: "ingress-sms"))
        let harness = WebhookHarness(target: name, adapter: adapter, store: store, logger: logger)
        return try await harness.run(seed: seed, iterations: iterations) { random in Self.input(&random) }
    }

    /// Twilio signs the decoded parameters: a body that does not decode has no right signature.
    static func signature(_ body: [UInt8], signer: TwilioSignature? = signer) -> String? {
        guard let signer, case .success(let fields) = FormURLEncoded.decode(body) else { return nil }
        return signer.sign(url: FuzzConfiguration.twilioPublicURL, parameters: fields)
    }

    static func input(_ random: inout SplitMix64) -> WebhookInput {
        let (body, template, label) = WebhookBody.make(templates, fresh: withUniqueSid, structure: FormMutator.mutate, &random)
        let correct = signature(body)
        var header: String?
        switch SignatureChoice.pick(&random) {
        case .resigned: header = correct
        case .forOtherBody: header = signature(template)
        case .missing: header = nil
        case .garbage: header = SignatureChoice.garbage(&random)
        case .otherSecret: header = signature(body, signer: otherSigner)
        case .caseChanged: header = correct?.lowercased()
        }
        var headers = HTTPFields()
        if random.chance(1, in: 12) {
            headers[.contentType] = random.pick(["text/plain", "application/json", "multipart/form-data", ""])
        } else {
            headers[.contentType] = random.chance(1, in: 2) ? "application/x-www-form-urlencoded" : "application/x-www-form-urlencoded; charset=UTF-8"
        }
        if let header, let field = HTTPField.Name(TwilioSignature.header) { headers[field] = header }
        let signed = header != nil && header == correct
        return WebhookInput(uri: "/channels/sms/" + (random.chance(1, in: 20) ? random.token() : "twilio"), headers: headers, body: body, signed: signed, label: label)
    }

    /// The template with a fresh MessageSid (a new message rather than a duplicate).
    static func withUniqueSid(_ body: [UInt8], _ random: inout SplitMix64) -> [UInt8] {
        guard case .success(var fields) = FormURLEncoded.decode(body) else { return body }
        let sid = "SM" + String(random.next(), radix: 16)
        for index in fields.indices where fields[index].name == "MessageSid" || fields[index].name == "SmsSid" || fields[index].name == "SmsMessageSid" {
            fields[index].value = sid
        }
        return Array(FormURLEncoded.encode(fields).utf8)
    }
}
