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

/// The known-answer vectors of channels.md, byte for byte.
enum MetaVectors {
    static let messengerSecret = "fb_app_secret_example_0001"
    static let messengerBody = #"{"object":"page","entry":[{"id":"900000000000001","time":1717000000500,"messaging":[{"sender":{"id":"7000000000000001"},"recipient":{"id":"900000000000001"},"timestamp":1717000000123,"message":{"mid":"m_TESTMID0001","text":"Hi, is my order shipped?"}}]}]}"#
    static let messengerSignature = "sha256=c662f52103d73cd749079aaa2b2d315a4ae544f89626739e66e5f0685cef5257"

    static let whatsAppSecret = "wa_app_secret_example_0002"
    static let whatsAppBody = #"{"object":"whatsapp_business_account","entry":[{"id":"100000000000001","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550002222","phone_number_id":"200000000000001"},"contacts":[{"profile":{"name":"Ada Example"},"wa_id":"15550001111"}],"messages":[{"from":"15550001111","id":"wamid.TEST0001","timestamp":"1717000000","type":"text","text":{"body":"Hello, I need a refund"}}]},"field":"messages"}]}]}"#
    static let whatsAppSignature = "sha256=d2929fb3db921e9961aab518cff1db5edb2d05f71d365502baa674fe31c0d20e"
}

/// The shipped configuration plus two more facebook pages: `facebook-sister` (page …003)
/// shares the app (and app secret) of `facebook-page`; `facebook-outlet` (page …002)
/// belongs to another app. And one more WhatsApp number of another app.
enum MetaTestConfiguration {
    static let environment = [
        "FACEBOOK_APP_SECRET": MetaVectors.messengerSecret,
        "FACEBOOK_VERIFY_TOKEN": "fb-verify-token",
        "FACEBOOK_PAGE_ACCESS_TOKEN": "fb-page-token",
        "SISTER_PAGE_ACCESS_TOKEN": "sister-page-token",
        "OUTLET_APP_SECRET": "outlet-app-secret",
        "OUTLET_VERIFY_TOKEN": "outlet-verify-token",
        "OUTLET_PAGE_ACCESS_TOKEN": "outlet-page-token",
        "WHATSAPP_APP_SECRET": MetaVectors.whatsAppSecret,
        "WHATSAPP_VERIFY_TOKEN": "wa-verify-token",
        "WHATSAPP_ACCESS_TOKEN": "wa-access-token",
        "EXPORT_APP_SECRET": "export-app-secret",
        "EXPORT_VERIFY_TOKEN": "export-verify-token",
        "EXPORT_ACCESS_TOKEN": "export-access-token",
    ]

    /// `apiBaseUrl` of every Meta channel is `apiBase` when given (a local fake Graph API).
    static func make(apiBase: String? = nil) throws -> SwitchboardConfiguration {
        let shipped = try TestConfiguration.shipped()
        let base = try #require(HTTPURL(apiBase ?? "https://graph.facebook.com"))
        func secret(_ name: String) -> SecretReference { SecretReference(environmentVariable: name) }
        var channels = shipped.channels.filter { $0.type != .facebook && $0.type != .whatsapp }
        channels += [
            ChannelInstance(id: "facebook-page", workStream: "retail-facebook", provider: .facebook(FacebookChannelSettings(
                pageId: "900000000000001", appSecret: secret("FACEBOOK_APP_SECRET"), verifyToken: secret("FACEBOOK_VERIFY_TOKEN"),
                pageAccessToken: secret("FACEBOOK_PAGE_ACCESS_TOKEN"), apiBaseUrl: base))),
            ChannelInstance(id: "facebook-sister", workStream: "retail-facebook", provider: .facebook(FacebookChannelSettings(
                pageId: "900000000000003", appSecret: secret("FACEBOOK_APP_SECRET"), verifyToken: secret("FACEBOOK_VERIFY_TOKEN"),
                pageAccessToken: secret("SISTER_PAGE_ACCESS_TOKEN"), apiBaseUrl: base))),
            ChannelInstance(id: "facebook-outlet", workStream: "retail-facebook", provider: .facebook(FacebookChannelSettings(
                pageId: "900000000000002", appSecret: secret("OUTLET_APP_SECRET"), verifyToken: secret("OUTLET_VERIFY_TOKEN"),
                pageAccessToken: secret("OUTLET_PAGE_ACCESS_TOKEN"), apiBaseUrl: base))),
            ChannelInstance(id: "whatsapp-support", workStream: "retail-whatsapp", provider: .whatsapp(WhatsAppChannelSettings(
                phoneNumberId: "200000000000001", appSecret: secret("WHATSAPP_APP_SECRET"), verifyToken: secret("WHATSAPP_VERIFY_TOKEN"),
                accessToken: secret("WHATSAPP_ACCESS_TOKEN"), apiBaseUrl: base))),
            ChannelInstance(id: "whatsapp-export", workStream: "retail-whatsapp", provider: .whatsapp(WhatsAppChannelSettings(
                phoneNumberId: "200000000000002", appSecret: secret("EXPORT_APP_SECRET"), verifyToken: secret("EXPORT_VERIFY_TOKEN"),
                accessToken: secret("EXPORT_ACCESS_TOKEN"), apiBaseUrl: base))),
        ]
        return SwitchboardConfiguration(
            version: shipped.version, system: shipped.system, processes: shipped.processes, customPresences: shipped.customPresences,
            channels: channels, workStreams: shipped.workStreams, queues: shipped.queues, agents: shipped.agents)
    }
}

/// A Meta adapter's HTTP surface (`AdapterFixture`) with its delivery-status store, both
/// in a temporary directory.
struct MetaIngressFixture: Sendable {
    let base: AdapterFixture
    let statuses: DeliveryStatusStore
    let channelType: ChannelType

    var store: OutboxStore { base.store }
    var uri: String { "/channels/\(channelType.rawValue)" }

    init(_ channelType: ChannelType, directory: TemporaryDirectory, logger: Logger = Logger(label: "test")) throws {
        self.channelType = channelType
        let data = try DataDirectory(path: directory.url.path, process: "ingress-\(channelType.rawValue)")
        statuses = try DeliveryStatusStore(directory: data)
        let configuration = try MetaTestConfiguration.make()
        let environment = MetaTestConfiguration.environment
        let adapter: any ChannelAdapter = channelType == .facebook
            ? try MessengerAdapter(configuration: configuration, environment: environment, logger: logger)
            : WhatsAppAdapter(
                configuration: configuration, secrets: try .whatsapp(configuration, environment: environment), statuses: statuses,
                logger: logger)
        base = AdapterFixture(
            adapter: adapter, store: try OutboxStore(directory: data), now: Date(timeIntervalSince1970: 1_717_000_001), logger: logger)
    }

    /// Runs `body` against a fresh fixture; the directory is removed afterwards.
    static func with(
        _ channelType: ChannelType, logger: Logger = Logger(label: "test"),
        _ body: @escaping @Sendable (MetaIngressFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let fixture = try MetaIngressFixture(channelType, directory: directory, logger: logger)
        try await fixture.base.application.test(.router) { client in try await body(fixture, client) }
    }

    /// POSTs `body` (its exact bytes) with `signature` as X-Hub-Signature-256 (none when nil).
    func post(
        _ client: any TestClientProtocol, uri: String? = nil, body: [UInt8], signature: String?
    ) async throws -> (status: HTTPResponse.Status, text: String) {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let signature, let name = HTTPField.Name(MetaSignature.header) { headers[name] = signature }
        return try await client.execute(uri: uri ?? self.uri, method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            (response.status, String(buffer: response.body))
        }
    }

    /// POSTs `body` signed with `secret`.
    func postSigned(
        _ client: any TestClientProtocol, uri: String? = nil, _ body: String, secret: String
    ) async throws -> (status: HTTPResponse.Status, text: String) {
        let bytes = Array(body.utf8)
        return try await post(client, uri: uri, body: bytes, signature: MetaSignature.sign(body: bytes, secret: Array(secret.utf8)))
    }

    func get(_ client: any TestClientProtocol, _ uri: String) async throws -> (status: HTTPResponse.Status, text: String, contentType: String?) {
        let (status, text, contentType) = try await client.send(.get, uri)
        return (status, text, contentType)
    }

    /// The stored messages, in storage order.
    func storedMessages() async throws -> [InboundMessage] {
        try await base.storedMessages()
    }

    func metrics(_ client: any TestClientProtocol) async throws -> String {
        try await client.send(.get, "/metrics").body
    }
}

/// Hand-built webhook bodies (exact bytes matter for the signature).
enum MetaBodies {
    static func messenger(_ entries: [(pageID: String, events: [String])]) -> String {
        let entries = entries.map { entry in
            #"{"id":"\#(entry.pageID)","time":1717000000500,"messaging":[\#(entry.events.joined(separator: ","))]}"#
        }
        return #"{"object":"page","entry":[\#(entries.joined(separator: ","))]}"#
    }

    static func messengerMessage(mid: String, psid: String = "7000000000000001", page: String = "900000000000001", text: String = "hello", extra: String = "") -> String {
        #"{"sender":{"id":"\#(psid)"},"recipient":{"id":"\#(page)"},"timestamp":1717000000123,"message":{"mid":"\#(mid)","text":"\#(text)"\#(extra)}}"#
    }

    static func whatsApp(_ changes: [String], entryCount: Int = 1) -> String {
        let entries = (0..<entryCount).map { _ in #"{"id":"100000000000001","changes":[\#(changes.joined(separator: ","))]}"# }
        return #"{"object":"whatsapp_business_account","entry":[\#(entries.joined(separator: ","))]}"#
    }

    static func whatsAppChange(
        phoneNumberID: String = "200000000000001", contacts: [String] = [], messages: [String] = [], statuses: [String] = []
    ) -> String {
        var value = #""messaging_product":"whatsapp","metadata":{"display_phone_number":"15550002222","phone_number_id":"\#(phoneNumberID)"}"#
        if !contacts.isEmpty { value += #","contacts":[\#(contacts.joined(separator: ","))]"# }
        if !messages.isEmpty { value += #","messages":[\#(messages.joined(separator: ","))]"# }
        if !statuses.isEmpty { value += #","statuses":[\#(statuses.joined(separator: ","))]"# }
        return #"{"value":{\#(value)},"field":"messages"}"#
    }

    static func whatsAppText(id: String, from: String = "15550001111", body: String = "hello") -> String {
        #"{"from":"\#(from)","id":"\#(id)","timestamp":"1717000000","type":"text","text":{"body":"\#(body)"}}"#
    }

    static func whatsAppContact(waID: String? = "15550001111", userID: String? = nil, name: String = "Ada Example") -> String {
        var fields = [#""profile":{"name":"\#(name)"}"#]
        if let waID { fields.append(#""wa_id":"\#(waID)""#) }
        if let userID { fields.append(#""user_id":"\#(userID)""#) }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func whatsAppStatus(id: String, status: String, extra: String = "") -> String {
        #"{"id":"\#(id)","status":"\#(status)","timestamp":"1717000100","recipient_id":"15550001111"\#(extra)}"#
    }
}
