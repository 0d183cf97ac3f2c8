import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SwitchboardCore
import SwitchboardTestSupport
import Testing

@testable import Ingress

/// Thousands of random and mutated Meta webhook requests per adapter: each is answered 2xx
/// or 4xx (never a 5xx), nothing is stored from a request without a valid signature, and
/// the adapter still answers a good request afterwards. The seed is printed; set
/// `SWITCHBOARD_FUZZ_SEED` to replay a run.
@Suite struct MetaWebhookFuzzTests {
    static let iterations = 2500

    struct Case {
        var method: HTTPRequest.Method = .post
        var uri: String
        var body: [UInt8]
        var signature: String?
        var label: String
    }

    @Test(arguments: [ChannelType.facebook, .whatsapp])
    func randomAndMutatedRequestsAreAnswered4xxOr2xxAndUnsignedOnesStoreNothing(_ type: ChannelType) async throws {
        let seed = SplitMix64.seed(fromEnvironment: "SWITCHBOARD_FUZZ_SEED")
        print("MetaWebhookFuzzTests[\(type.rawValue)] seed \(seed) (replay: SWITCHBOARD_FUZZ_SEED=\(seed))")
        // Thousands of rejections: their warnings would drown the test output.
        var quiet = Logger(label: "fuzz")
        quiet.logLevel = .critical
        try await MetaIngressFixture.with(type, logger: quiet) { fixture, client in
            var random = SplitMix64(seed: seed)
            let secrets = Self.secrets(type)
            let templates = Self.templates(type).map { Array($0.utf8) }
            var rows = 0
            var receipts = 0
            var answered: [Int: Int] = [:]
            for iteration in 0..<Self.iterations {
                let request = Self.makeCase(type, templates: templates, secrets: secrets, &random)
                var headers = HTTPFields()
                if Bool.random(using: &random) { headers[.contentType] = "application/json" }
                if let signature = request.signature, let name = HTTPField.Name(MetaSignature.header) { headers[name] = signature }
                let status = try await client.execute(
                    uri: request.uri, method: request.method, headers: headers, body: ByteBuffer(bytes: request.body)
                ) { $0.status }
                answered[status.code, default: 0] += 1
                let nowRows = try await fixture.store.pendingCount()
                let nowReceipts = try await fixture.statuses.all().count
                let signed = request.method == .post && Self.isSigned(request, secrets: secrets)
                guard (200..<500).contains(status.code), signed || (nowRows == rows && nowReceipts == receipts) else {
                    Issue.record("""
                        seed \(seed) iteration \(iteration) (\(request.label)): answered \(status.code), signed \(signed), \
                        rows \(rows) -> \(nowRows), receipts \(receipts) -> \(nowReceipts); \
                        body \(String(decoding: request.body.prefix(300), as: UTF8.self))
                        """)
                    return
                }
                rows = nowRows
                receipts = nowReceipts
            }
            print("MetaWebhookFuzzTests[\(type.rawValue)] answers: \(answered.sorted { $0.key < $1.key }), rows stored \(rows), receipts \(receipts)")
            // Every kind of answer was exercised, not just one rejection over and over.
            #expect(answered[200, default: 0] > 0 && answered[403, default: 0] > 0 && answered[400, default: 0] > 0)

            // Still serving, and a good request is still stored.
            let vector = type == .facebook ? MetaVectors.messengerBody : MetaVectors.whatsAppBody
            let good = try await fixture.postSigned(client, vector.replacingOccurrences(of: "TEST", with: "AFTERFUZZ"), secret: secrets[0])
            #expect(good.status == .ok)
            #expect(try await fixture.store.pendingCount() == rows + 1)
            let health = try await client.execute(uri: "/healthz", method: .get) { $0.status }
            #expect(health == .ok)
        }
    }

    static func secrets(_ type: ChannelType) -> [String] {
        type == .facebook ? [MetaVectors.messengerSecret, "outlet-app-secret"] : [MetaVectors.whatsAppSecret, "export-app-secret"]
    }

    static func templates(_ type: ChannelType) -> [String] {
        if type == .facebook {
            let attachments = #","attachments":[{"type":"image","payload":{"url":"https://cdn.example/p.jpg"}}]"#
            return [
                MetaVectors.messengerBody,
                MetaBodies.messenger([
                    ("900000000000001", [MetaBodies.messengerMessage(mid: "m_f1"), MetaBodies.messengerMessage(mid: "m_f2", extra: #","is_echo":true"#)]),
                    ("900000000000002", [MetaBodies.messengerMessage(mid: "m_f3", page: "900000000000002", extra: attachments)]),
                ]),
            ]
        }
        let media = #"{"from":"15550001111","id":"wamid.F2","timestamp":"1717000000","type":"image","image":{"caption":"c","mime_type":"image/jpeg","id":"42"}}"#
        return [
            MetaVectors.whatsAppBody,
            MetaBodies.whatsApp([
                MetaBodies.whatsAppChange(contacts: [MetaBodies.whatsAppContact(waID: nil, userID: "US.1")], messages: [MetaBodies.whatsAppText(id: "wamid.F1"), media]),
                MetaBodies.whatsAppChange(statuses: [MetaBodies.whatsAppStatus(id: "wamid.S1", status: "delivered")]),
                MetaBodies.whatsAppChange(phoneNumberID: "200000000000002", messages: [MetaBodies.whatsAppText(id: "wamid.F3")]),
            ]),
        ]
    }

    static func makeCase(_ type: ChannelType, templates: [[UInt8]], secrets: [String], _ random: inout SplitMix64) -> Case {
        let channelIDs = type == .facebook ? ["facebook-page", "facebook-outlet"] : ["whatsapp-support", "whatsapp-export"]
        let base = "/channels/\(type.rawValue)"
        var uri: String
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<6: uri = base
        case 6..<9: uri = base + "/" + channelIDs[Int.random(in: 0..<2, using: &random)]
        default: uri = base + "/" + randomToken(&random, alphabet: "abcdefghijklmnopqrstuvwxyz-0123456789")
        }
        if Int.random(in: 0..<10, using: &random) == 0 {
            // The handshake, with random or right parts.
            let tokens = type == .facebook ? ["fb-verify-token", "outlet-verify-token"] : ["wa-verify-token", "export-verify-token"]
            let mode = Bool.random(using: &random) ? "subscribe" : randomToken(&random)
            let token = Bool.random(using: &random) ? tokens[Int.random(in: 0..<2, using: &random)] : randomToken(&random)
            let challenge = randomToken(&random)
            let parts = ["hub.mode=\(mode)", "hub.verify_token=\(token)", "hub.challenge=\(challenge)"].filter { _ in Int.random(in: 0..<6, using: &random) != 0 }
            uri += "?" + parts.joined(separator: "&")
            return Case(method: .get, uri: uri, body: [], signature: nil, label: "handshake")
        }
        let template = templates[Int.random(in: 0..<templates.count, using: &random)]
        let body: [UInt8]
        let label: String
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<5:
            body = BodyMutator.mutate(template, using: &random)
            label = "byte-mutated"
        case 5..<9:
            body = JSONMutator.mutate(template, &random)
            label = "structure-mutated"
        default:
            body = template
            label = "template"
        }
        let secret = Array(secrets[Int.random(in: 0..<secrets.count, using: &random)].utf8)
        let signature: String?
        switch Int.random(in: 0..<12, using: &random) {
        case 0..<6: signature = MetaSignature.sign(body: body, secret: secret)
        case 6: signature = nil
        case 7: signature = MetaSignature.sign(body: template, secret: secret)  // signed for another body
        case 8: signature = "sha256=" + randomHex(&random, count: 64)
        case 9: signature = "sha256=" + randomHex(&random, count: Int.random(in: 0...80, using: &random))
        case 10: signature = MetaSignature.sign(body: body, secret: secret).uppercased()
        default: signature = randomToken(&random, alphabet: "sha256=ABCxyz0123456789 \t;,\"'", maximumCount: 90)
        }
        return Case(uri: uri, body: body, signature: signature, label: label)
    }

    /// Whether Meta could have sent it: the header is a valid signature of the body under one of the secrets.
    static func isSigned(_ request: Case, secrets: [String]) -> Bool {
        guard let signature = request.signature, signature.hasPrefix("sha256=") else { return false }
        let hex = signature.dropFirst("sha256=".count)
        return secrets.contains { HMACSignature.isValidHexSHA256(hex, key: Array($0.utf8), message: request.body) }
    }

    static func randomToken(_ random: inout SplitMix64, alphabet: String = "abcdefghijklmnopqrstuvwxyz0123456789-_.~%+=&", maximumCount: Int = 24) -> String {
        let characters = Array(alphabet)
        return String((0..<Int.random(in: 0...maximumCount, using: &random)).map { _ in characters[Int.random(in: 0..<characters.count, using: &random)] })
    }

    static func randomHex(_ random: inout SplitMix64, count: Int) -> String {
        let digits = Array("0123456789abcdefABCDEF")
        return String((0..<count).map { _ in digits[Int.random(in: 0..<digits.count, using: &random)] })
    }
}
