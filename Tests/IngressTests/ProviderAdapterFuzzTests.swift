import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import SwitchboardTestSupport
import Testing
import Wire

@testable import Ingress

/// Thousands of random and mutated requests per adapter: every answer is 2xx or 4xx (a 5xx
/// would mean a crash or a poison row), nothing is stored from a request whose signature
/// does not match its body, and the adapter still accepts a good message afterwards.
/// The seed is printed; `SWITCHBOARD_FUZZ_SEED=<seed>` replays a run.
@Suite struct ProviderAdapterFuzzTests {
    static let iterations = 2500

    /// One fuzzed request and whether it carries the right signature for its body.
    struct Case {
        var headers: HTTPFields
        var body: [UInt8]
        var signed: Bool
    }

    static func run(
        _ adapter: any ChannelAdapter, name: String, uri: String,
        makeCase: @escaping @Sendable (inout SplitMix64) -> Case, goodRequest: @escaping @Sendable () -> Case
    ) async throws {
        let seed = SplitMix64.seed(fromEnvironment: "SWITCHBOARD_FUZZ_SEED")
        print("\(name) fuzz seed: \(seed)")
        try await AdapterFixture.with(adapter) { fixture, client in
            var generator = SplitMix64(seed: seed)
            var rows = 0
            var statuses: [Int: Int] = [:]
            for iteration in 0..<iterations {
                let fuzzed = makeCase(&generator)
                let status = try await client.execute(
                    uri: uri, method: .post, headers: fuzzed.headers, body: ByteBuffer(bytes: fuzzed.body)
                ) { $0.status.code }
                statuses[status, default: 0] += 1
                #expect((200..<500).contains(status), "seed \(seed), iteration \(iteration): \(status)")
                let now = try await fixture.store.allRows().count
                if !fuzzed.signed {
                    #expect(now == rows, "seed \(seed), iteration \(iteration): an unsigned request stored a row")
                }
                rows = now
            }
            print("\(name) fuzz statuses: \(statuses.sorted { $0.key < $1.key })")
            let good = goodRequest()
            let final = try await client.execute(uri: uri, method: .post, headers: good.headers, body: ByteBuffer(bytes: good.body)) {
                $0.status
            }
            #expect(final == .ok)
            #expect(try await fixture.store.allRows().count == rows + 1)
        }
    }

    static func randomHeaderValue(using generator: inout SplitMix64) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_:;, ")
        let text = String((0..<Int.random(in: 0..<60, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "A" })
        return Bool.random(using: &generator) ? "sha256=" + text : text
    }

    @Test func smsAdapterSurvivesRandomAndMutatedWebhooks() async throws {
        let adapter = try SMSChannelAdapter(configuration: try ProviderTestConfiguration.make(), environment: ProviderTestConfiguration.environment)
        let url = TwilioSignatureTests.url
        let signer = TwilioSignature(authToken: Array(ProviderTestConfiguration.twilioAuthToken.utf8), publicURL: try #require(HTTPURL(url)))
        let base = Array(TwilioSignatureTests.body.utf8)
        /// Twilio signs the decoded parameters: a body that does not decode has no right signature.
        @Sendable func correctSignature(_ body: [UInt8]) -> String? {
            (try? FormURLEncoded.decode(body).get()).map { signer.sign(url: url, parameters: $0) }
        }
        @Sendable func request(_ body: [UInt8], signature: String?, contentType: String? = "application/x-www-form-urlencoded") -> Case {
            var headers = HTTPFields()
            headers[.contentType] = contentType
            if let signature, let name = HTTPField.Name(TwilioSignature.header) { headers[name] = signature }
            return Case(headers: headers, body: body, signed: signature != nil && signature == correctSignature(body))
        }
        try await Self.run(adapter, name: "sms", uri: SMSChannelHTTPTests.uri) { generator in
            let body = BodyMutator.mutate(base, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: return request(body, signature: TwilioSignatureTests.expected)  // the original signature on a changed body
            case 1: return request(body, signature: correctSignature(body))  // re-signed: may be stored, must not crash
            case 2: return request(base, signature: Self.randomHeaderValue(using: &generator))
            case 3: return request(body, signature: nil)
            default:
                let types = [nil, "text/plain", "application/json", "application/x-www-form-urlencoded; charset=UTF-8"]
                return request(body, signature: correctSignature(body), contentType: types.randomElement(using: &generator) ?? nil)
            }
        } goodRequest: {
            let body = Array(SMSChannelHTTPTests.form(sid: "SM-after-fuzz").utf8)
            return request(body, signature: correctSignature(body))
        }
    }

    @Test func twitterAdapterSurvivesRandomAndMutatedWebhooks() async throws {
        let adapter = try TwitterChannelAdapter(configuration: try ProviderTestConfiguration.make(), environment: ProviderTestConfiguration.environment)
        let signer = XWebhookSignature(consumerSecret: Array(ProviderTestConfiguration.xConsumerSecret.utf8))
        let base = Array(TwitterChannelHTTPTests.payload([
            TwitterChannelHTTPTests.event(id: "f-1"), TwitterChannelHTTPTests.event(id: "f-2", sender: ProviderTestConfiguration.ourXAccount),
        ]).utf8)
        let original = signer.sign(body: base)
        @Sendable func request(_ body: [UInt8], signature: String?, contentType: String? = "application/json") -> Case {
            var headers = HTTPFields()
            headers[.contentType] = contentType
            if let signature, let name = HTTPField.Name(XWebhookSignature.header) { headers[name] = signature }
            return Case(headers: headers, body: body, signed: signature == signer.sign(body: body))
        }
        try await Self.run(adapter, name: "twitter", uri: TwitterChannelHTTPTests.uri) { generator in
            let body = BodyMutator.mutate(base, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: return request(body, signature: original)
            case 1: return request(body, signature: signer.sign(body: body))
            case 2: return request(base, signature: Self.randomHeaderValue(using: &generator))
            case 3: return request(body, signature: nil)
            default:
                let types = [nil, "text/plain", "application/json; charset=utf-8"]
                return request(body, signature: signer.sign(body: body), contentType: types.randomElement(using: &generator) ?? nil)
            }
        } goodRequest: {
            let body = Array(TwitterChannelHTTPTests.payload([TwitterChannelHTTPTests.event(id: "f-after-fuzz")]).utf8)
            return request(body, signature: signer.sign(body: body))
        }
    }
}

/// Random and mutated variants of a valid body, for the adapters' fuzz tests.
enum BodyMutator {
    static func mutate(_ bytes: [UInt8], using generator: inout SplitMix64) -> [UInt8] {
        var bytes = bytes
        switch Int.random(in: 0..<6, using: &generator) {
        case 0:  // random garbage
            let count = Int.random(in: 0..<300, using: &generator)
            return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
        case 1:  // flip a few bytes
            for _ in 0..<Int.random(in: 1...4, using: &generator) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
        case 2:  // truncate
            bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
        case 3:  // insert structural characters
            let specials: [UInt8] = Array("%&=+{}[]\",:\\\u{0}".utf8) + [0xFF, 0xC3]
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes.insert(specials.randomElement(using: &generator) ?? 0, at: Int.random(in: 0...bytes.count, using: &generator))
            }
        case 4:  // duplicate a slice
            if !bytes.isEmpty {
                let start = Int.random(in: 0..<bytes.count, using: &generator)
                let end = Int.random(in: start...bytes.count, using: &generator)
                bytes.insert(contentsOf: bytes[start..<end], at: Int.random(in: 0...bytes.count, using: &generator))
            }
        default:  // delete a slice
            if !bytes.isEmpty {
                let start = Int.random(in: 0..<bytes.count, using: &generator)
                bytes.removeSubrange(start..<Int.random(in: start...bytes.count, using: &generator))
            }
        }
        return bytes
    }
}
