import Foundation
import HTTPTypes
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import HummingbirdWebSocket
import Logging
import Prometheus
import SwitchboardCore
import Testing
import Wire

@testable import Ingress

/// The widget's HTTP side: the page, its files, the socket's Origin check, and the process
/// wiring (the chat adapter's socket on the shared HTTP server, /healthz and /metrics).
@Suite(.timeLimit(.minutes(1))) struct ChatWidgetTests {
    @Test func thePageCarriesTheTitleAndOnlyTheAllowedOriginsMayFrameIt() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        try await chat.application.test(.router) { client in
            try await client.execute(uri: "/chat/web-chat", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let page = String(buffer: response.body)
                #expect(page.contains("<title>Northwind help</title>"))
                #expect(page.contains(#"<script src="/chat/web-chat/widget.js" data-channel="web-chat"></script>"#))
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains(
                    "frame-ancestors 'self' https://shop.northwind.example:443 https://www.northwind.example:443"), "\(policy)")
            }
            try await client.execute(uri: "/chat/help-center-chat", method: .get) { response in
                #expect(String(buffer: response.body).contains("<title>help-center-chat</title>"), "no title: the channel id")
                #expect(response.headers[.contentSecurityPolicy]?.hasSuffix("frame-ancestors 'self'") == true)
            }
            try await client.execute(uri: "/chat/web-chat/widget.js", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(String(buffer: response.body).contains("new WebSocket(socketURL)"))
            }
            try await client.execute(uri: "/chat/web-chat/widget.css", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "text/css; charset=utf-8")
            }
            try await client.execute(uri: "/chat/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains(#"no chat channel \"nowhere\""#))
            }
            try await client.execute(uri: "/chat/web-chat/ws", method: .get) { response in
                #expect(response.status == .badRequest, "a plain GET of the socket's path says it needs an upgrade")
            }
            try await client.execute(uri: "/chat/web-chat/ws", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("origin https://evil.example may not open chat channel web-chat"))
            }
        }
        let html = ChatWidgetAssets.html(#"<b>"Tom" & 'Jerry'</b>"#)
        #expect(html == "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;")
    }

    @Test func theSocketOpensForItsOwnPagesAndAllowedOriginsOnly() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        _ = try await chat.application.test(.live) { client in
            let port = try #require(client.port)
            for origin in ["https://shop.northwind.example", "http://localhost:\(port)"] {
                let configuration = WebSocketClientConfiguration(additionalHeaders: [.origin: origin])
                try await client.ws("/chat/web-chat/ws", configuration: configuration) { inbound, outbound, _ in
                    var frames = ChatFrames(inbound)
                    try await frames.begin(outbound)
                    try await outbound.send(ChatVisitor.message("from-\(origin.count)"))
                    _ = try await frames.expect("ack")
                }
            }
            for origin in ["https://evil.example", "http://localhost:\(port + 1)", "null"] {
                let configuration = WebSocketClientConfiguration(additionalHeaders: [.origin: origin])
                await #expect(throws: (any Error).self, "\(origin)") {
                    try await client.ws("/chat/web-chat/ws", configuration: configuration) { _, _, _ in }
                }
            }
            // help-center-chat allows no other site.
            let configuration = WebSocketClientConfiguration(additionalHeaders: [.origin: "https://shop.northwind.example"])
            await #expect(throws: (any Error).self) {
                try await client.ws("/chat/help-center-chat/ws", configuration: configuration) { _, _, _ in }
            }
        }
        let origins = try await chat.storedMessages().map { $0.channelData["chat.origin"] }
        #expect(origins.count == 2 && origins.first == "https://shop.northwind.example")
    }

    @Test func theChatProcessServesTheSocketBesideHealthAndMetrics() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let configuration = try TestConfiguration.shipped()
        let hub = try ChatHub(configuration: configuration, dataDirectory: directory.url.path)
        let process = try AdapterProcess(
            adapter: ChatChannelAdapter(hub: hub), configuration: configuration, dataDirectory: directory.url.path, httpOverride: nil,
            link: ForwarderTests.RecordingLink(), ids: MessageIDGenerator(), registry: PrometheusCollectorRegistry(),
            replySender: ChatReplySender(hub: hub), logger: Logger(label: "test"))
        #expect(process.process == "ingress-chat" && process.address == HTTPAddress(host: "127.0.0.1", port: 8080))
        #expect(process.webSocket?.maximumFrameBytes == 64 * 1024)
        #expect(process.replies != nil)
        for file in ["outbox", "replies", "chat"] {
            #expect(FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("ingress-chat/\(file).sqlite").path))
        }
        let application = IngressHTTPServer.application(
            router: process.router, address: process.address, process: process.process, webSocket: process.webSocket,
            logger: Logger(label: "test"))
        _ = try await application.test(.live) { client in
            try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await outbound.send(ChatVisitor.hello)
                _ = try await frames.expect("welcome")
            }
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(metrics.status == .ok)
        }
        // Webhook-only adapters get no socket.
        let custom = try AdapterProcess(
            adapter: try CustomChannelAdapter(configuration: configuration, environment: ["MOBILE_APP_SHARED_SECRET": "s"]),
            configuration: configuration, dataDirectory: directory.url.path, httpOverride: nil,
            link: ForwarderTests.RecordingLink(), ids: MessageIDGenerator(), registry: PrometheusCollectorRegistry(), logger: Logger(label: "test"))
        #expect(custom.webSocket == nil)
    }
}
