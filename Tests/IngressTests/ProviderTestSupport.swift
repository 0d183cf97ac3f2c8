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

    init(adapter: any ChannelAdapter, store: OutboxStore, now: Date = Date(), logger: Logger = Logger(label: "test")) {
        self.store = store
        self.now = now
        let metrics = IngressMetrics(channelType: adapter.channelType, factory: PrometheusMetricsFactory(registry: registry))
        let recorder = InboundRecorder(store: store, ids: MessageIDGenerator(), metrics: metrics, stored: OutboxSignal())
        let fixed = now
        endpoints = IngressEndpoints(adapter: adapter, recorder: recorder, metrics: metrics, logger: logger, now: { fixed })
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
