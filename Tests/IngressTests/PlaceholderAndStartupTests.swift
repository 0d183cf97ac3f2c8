import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ProcessRuntime
import Prometheus
import SwitchboardCore
import Testing

@testable import Ingress

@Suite struct PlaceholderAndStartupTests {
    @Test(arguments: [ChannelType.chat, .sms, .facebook, .whatsapp, .twitter])
    func aPlaceholderAdapterAnswers501AndServesHealth(_ type: ChannelType) async throws {
        let registry = PrometheusCollectorRegistry()
        let metrics = IngressMetrics(channelType: type, factory: PrometheusMetricsFactory(registry: registry))
        let endpoints = IngressEndpoints(
            adapter: NotImplementedAdapter(channelType: type), recorder: nil, metrics: metrics, logger: Logger(label: "test"))
        let router = IngressHTTPServer.router(endpoints: endpoints, process: "ingress-\(type.rawValue)", registry: registry) {
            HealthReport(healthy: true, checks: ["channel": "not implemented yet"])
        }
        try await Application(router: router).test(.router) { client in
            for (method, uri) in [(HTTPRequest.Method.post, "/channels/\(type.rawValue)/webhook"), (.get, "/channels/\(type.rawValue)/a/b?x=1"), (.post, "/channels/\(type.rawValue)")] {
                try await client.execute(uri: uri, method: method, body: ByteBuffer(string: "{}")) { response in
                    #expect(response.status == .notImplemented, "\(method) \(uri)")
                    #expect(String(buffer: response.body).contains("the \(type.rawValue) channel is not implemented yet"))
                }
            }
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("ingress-\(type.rawValue)"))
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains(
                    #"switchboard_ingress_rejected_total{channel_type="\#(type.rawValue)",reason="not_implemented"} 3"#))
            }
        }
    }

    @Test func aMissingSharedSecretNamesTheVariableAndTheChannel() throws {
        let configuration = try TestConfiguration.shipped()
        let error = #expect(throws: IngressError.self) { try ChannelSecrets.custom(configuration, environment: [:]) }
        #expect(error?.code == .missingSecret)
        #expect(error?.message.contains("MOBILE_APP_SHARED_SECRET") == true)
        #expect(error?.message.contains("mobile-app") == true)
        #expect(throws: IngressError.self) { try ChannelSecrets.custom(configuration, environment: ["MOBILE_APP_SHARED_SECRET": ""]) }
        let secrets = try ChannelSecrets.custom(configuration, environment: ["MOBILE_APP_SHARED_SECRET": "s3cret"])
        #expect(secrets.secret(forChannel: "mobile-app") == Array("s3cret".utf8))
    }

    @Test func httpAddressComesFromTheConfigurationOrTheFlag() throws {
        let configuration = try TestConfiguration.shipped()
        #expect(try IngressConfiguration.httpAddress(for: .custom, in: configuration, override: nil) == HTTPAddress(host: "127.0.0.1", port: 8085))
        #expect(try IngressConfiguration.httpAddress(for: .sms, in: configuration, override: "0.0.0.0:9000") == HTTPAddress(host: "0.0.0.0", port: 9000))
        #expect(IngressHTTPServer.address("[::1]:8085") == HTTPAddress(host: "::1", port: 8085))
        #expect(throws: IngressError.self) { try IngressConfiguration.httpAddress(for: .sms, in: configuration, override: "nonsense") }
    }
}
