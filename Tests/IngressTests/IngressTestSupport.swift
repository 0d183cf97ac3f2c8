import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ProcessRuntime
import Prometheus
import Storage
import SwitchboardCore
import Testing
import Wire

@testable import Ingress

/// The shipped configuration (config/switchboard.yaml): channel `mobile-app` is custom,
/// `web-chat` is chat.
enum TestConfiguration {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func shipped() throws -> SwitchboardConfiguration {
        let path = repositoryRoot.appendingPathComponent("config/switchboard.yaml").path
        return try IngressConfiguration.load(path: path, logger: Logger(label: "test"))
    }

    static let secret = "test-shared-secret-0001"
}

/// A temporary data directory, removed by `remove()`.
struct TemporaryDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-ingress-\(UUID().uuidString)")

    func remove() { try? FileManager.default.removeItem(at: url) }

    func outbox() throws -> OutboxStore {
        try OutboxStore(directory: DataDirectory(path: url.path, process: "ingress-custom"))
    }
}

/// The custom adapter's HTTP surface over a real outbox, with its own metrics registry.
struct CustomIngressFixture: Sendable {
    let store: OutboxStore
    let registry = PrometheusCollectorRegistry()
    let stored = OutboxSignal()
    let endpoints: IngressEndpoints
    let now: Date

    init(store: OutboxStore, now: Date = Date()) throws {
        self.store = store
        self.now = now
        let configuration = try TestConfiguration.shipped()
        let secrets = try ChannelSecrets.custom(configuration, environment: ["MOBILE_APP_SHARED_SECRET": TestConfiguration.secret])
        let metrics = IngressMetrics(channelType: .custom, factory: PrometheusMetricsFactory(registry: registry))
        let recorder = InboundRecorder(store: store, ids: MessageIDGenerator(), metrics: metrics, stored: stored)
        let fixed = now
        endpoints = IngressEndpoints(
            adapter: CustomChannelAdapter(configuration: configuration, secrets: secrets, now: { fixed }),
            recorder: recorder, metrics: metrics, logger: Logger(label: "test"), now: { fixed })
    }

    var application: some ApplicationProtocol {
        let router = IngressHTTPServer.router(endpoints: endpoints, process: "ingress-custom", registry: registry) {
            HealthReport(healthy: true, checks: ["router.link": "down"])
        }
        return Application(router: router)
    }

    /// Headers of a correctly signed JSON request.
    func signedHeaders(_ body: String, secret: String = TestConfiguration.secret, at time: Date? = nil) -> HTTPFields {
        let signature = CustomChannelSignature(secret: Array(secret.utf8)).sign(body: Array(body.utf8), now: time ?? now)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let name = HTTPField.Name(CustomChannelSignature.timestampHeader) { headers[name] = signature.timestamp }
        if let name = HTTPField.Name(CustomChannelSignature.signatureHeader) { headers[name] = signature.signature }
        return headers
    }

    static func body(messageID: String = "app-msg-1", extra: String = "") -> String {
        #"{"messageId":"\#(messageID)","customer":{"id":"user-42","displayName":"Ada Example","locale":"en-GB"},"text":"Where is my invoice?","context":{"orderTotal":120.5,"topic":"invoice"}\#(extra)}"#
    }
}
