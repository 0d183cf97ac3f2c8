import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import ProcessRuntime
import Prometheus
import Storage
import SwitchboardCore
import Testing
import Wire

@testable import Ingress

/// The shipped configuration with provider URLs changed for a test: channel `sms-us`
/// (+15550002222) and `x-support` (account 1500000000000000001), and optionally a second X
/// channel `x-second` (account 1500000000000000002) of the same app.
enum ProviderTestConfiguration {
    static let twilioAuthToken = "tw_test_auth_token_0123456789ab"
    static let xConsumerSecret = "x_consumer_secret_example_0003"
    static let xAccessToken = "x-access-token-0001"
    static let ourNumber = "+15550002222"
    static let ourXAccount = "1500000000000000001"
    static let secondXAccount = "1500000000000000002"

    static var environment: [String: String] {
        ["TWILIO_AUTH_TOKEN": twilioAuthToken, "X_CONSUMER_SECRET": xConsumerSecret, "X_ACCESS_TOKEN": xAccessToken]
    }

    static func make(
        smsPublicURL: String = "https://ingress.example.test/channels/sms/twilio", apiBaseURL: String? = nil,
        secondXChannel: Bool = false
    ) throws -> SwitchboardConfiguration {
        let path = TestConfiguration.repositoryRoot.appendingPathComponent("config/switchboard.yaml").path
        var yaml = try String(contentsOfFile: path, encoding: .utf8)
        yaml = try replacing("https://ingress.northwind.example/channels/sms/twilio", with: smsPublicURL, in: yaml)
        if let apiBaseURL {
            yaml = try replacing("apiBaseUrl: https://api.twilio.com", with: "apiBaseUrl: \(apiBaseURL)", in: yaml)
            yaml = try replacing(
                "    accessToken: { env: X_ACCESS_TOKEN }\n",
                with: "    accessToken: { env: X_ACCESS_TOKEN }\n    apiBaseUrl: \(apiBaseURL)\n", in: yaml)
        }
        if secondXChannel {
            yaml = try replacing(
                "  - id: mobile-app\n",
                with: """
                      - id: x-second
                        type: twitter
                        workStream: retail-x
                        accountId: "\(secondXAccount)"
                        consumerSecret: { env: X_CONSUMER_SECRET }
                        accessToken: { env: X_ACCESS_TOKEN }
                      - id: mobile-app

                    """, in: yaml)
            yaml = try replacing("channels: [x-support]", with: "channels: [x-support, x-second]", in: yaml)
        }
        switch ConfigurationLoader.load(yaml: yaml, file: "test.yaml") {
        case .success(let loaded): return loaded.configuration
        case .failure(let error): throw error
        }
    }

    private static func replacing(_ old: String, with new: String, in text: String) throws -> String {
        guard text.contains(old) else { throw FixtureError(description: "the shipped configuration no longer contains \(old)") }
        return text.replacingOccurrences(of: old, with: new)
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// A provider adapter's HTTP surface over a real outbox in a temporary directory.
struct AdapterFixture: Sendable {
    let store: OutboxStore
    let registry = PrometheusCollectorRegistry()
    let endpoints: IngressEndpoints
    let now: Date

    init(adapter: any ChannelAdapter, store: OutboxStore, now: Date = Date()) {
        self.store = store
        self.now = now
        let metrics = IngressMetrics(channelType: adapter.channelType, factory: PrometheusMetricsFactory(registry: registry))
        let recorder = InboundRecorder(store: store, ids: MessageIDGenerator(), metrics: metrics, stored: WakeSignal())
        let fixed = now
        endpoints = IngressEndpoints(adapter: adapter, recorder: recorder, metrics: metrics, logger: Logger(label: "test"), now: { fixed })
    }

    var application: some ApplicationProtocol {
        let router = IngressHTTPServer.router(endpoints: endpoints, process: "ingress-test", registry: registry) {
            HealthReport(healthy: true, checks: [:])
        }
        return Application(router: router)
    }

    /// Runs `body` against the adapter with a fresh outbox, removed afterwards.
    static func with(
        _ adapter: any ChannelAdapter, _ body: @escaping @Sendable (AdapterFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let fixture = AdapterFixture(adapter: adapter, store: try directory.outbox())
        try await fixture.application.test(.router) { client in try await body(fixture, client) }
    }

    /// The stored inbound messages, in outbox order.
    func storedMessages() async throws -> [InboundMessage] {
        try await store.allRows().map { row in
            guard case .submit(let submit) = try OutboxCodec.envelope(row).message else {
                throw FixtureError(description: "outbox row \(row.sequence) is not a Submit")
            }
            return submit.message
        }
    }
}

extension TestClientProtocol {
    /// Sends a request and answers its status and body text.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, headers: HTTPFields = [:], body: String = ""
    ) async throws -> (status: HTTPResponse.Status, body: String, contentType: String?) {
        try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status, String(buffer: response.body), response.headers[.contentType])
        }
    }
}

/// A seeded generator (SplitMix64) so a failing fuzz run can be replayed from its printed seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The seed from `SWITCHBOARD_FUZZ_SEED` when set (to replay a failure), else a fresh one.
    static func seedFromEnvironment() -> UInt64 {
        ProcessInfo.processInfo.environment["SWITCHBOARD_FUZZ_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...UInt64.max)
    }
}

/// Random and mutated variants of a valid body, for the adapters' fuzz tests.
enum BodyMutator {
    static func mutate(_ bytes: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
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
