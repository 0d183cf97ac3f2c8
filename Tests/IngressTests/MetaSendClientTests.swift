import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Synchronization
import SwitchboardTestSupport
import Testing
import Wire

@testable import Ingress

/// graph.facebook.com stood in for on loopback: records every send and answers what the test set.
final class FakeGraphAPI: Sendable {
    struct Received: Sendable {
        let path: String
        let authorization: String?
        let contentType: String?
        let body: [UInt8]
    }

    private let received = Mutex<[Received]>([])
    private let reply = Mutex<(status: HTTPResponse.Status, body: String)>((.ok, "{}"))

    var requests: [Received] { received.withLock { $0 } }

    func answer(_ status: HTTPResponse.Status, _ body: String) {
        reply.withLock { $0 = (status, body) }
    }

    var application: some ApplicationProtocol {
        let router = Router()
        router.post("/v19.0/:node/messages") { [self] request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            received.withLock {
                $0.append(Received(
                    path: request.uri.path, authorization: request.headers[.authorization], contentType: request.headers[.contentType],
                    body: Array(buffer: body)))
            }
            let (status, text) = reply.withLock { $0 }
            return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        return Application(router: router)
    }

    /// Runs `body` with the fake listening on loopback, a configuration whose Meta channels
    /// point at it, and one shared HTTP client.
    func run(_ body: @Sendable (SwitchboardConfiguration, HTTPClient) async throws -> Void) async throws {
        try await application.test(.live) { client in
            let port = try #require(client.port)
            let configuration = try MetaTestConfiguration.make(apiBase: "http://localhost:\(port)")
            try await withHTTPClient { http in try await body(configuration, http) }
        }
    }
}

func withHTTPClient(_ body: (HTTPClient) async throws -> Void) async throws {
    let http = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        try await body(http)
    } catch {
        try? await http.shutdown()
        throw error
    }
    try await http.shutdown()
}

/// What the send clients put on the wire, decoded for comparison.
struct SentMessengerBody: Decodable, Equatable {
    struct Recipient: Decodable, Equatable { let id: String }
    struct Message: Decodable, Equatable { let text: String }
    let recipient: Recipient
    let messaging_type: String
    let message: Message
}

struct SentWhatsAppBody: Decodable, Equatable {
    struct Text: Decodable, Equatable { let body: String }
    let messaging_product: String
    let to: String
    let type: String
    let text: Text
    let biz_opaque_callback_data: String?
}

@Suite struct MetaSendClientTests {
    let replyID = MessageID(hex: "0123456789abcdef0123456789abcdef")

    static func reply(channel: String, type: String, to customer: String, text: String = "Your order ships today. Ça va? 📦", attachments: [Wire.Attachment] = []) -> AgentReply {
        AgentReply(
            conversationID: "conv-1", channelInstanceID: channel, channelType: type, customerAddress: customer, agentID: "ada",
            text: text, attachments: attachments, sentAtMs: 1_717_000_002_000)
    }

    @Test func aMessengerReplyReachesTheGraphAPIWithThePagesTokenAndBody() async throws {
        let fake = FakeGraphAPI()
        fake.answer(.ok, #"{"recipient_id":"7000000000000001","message_id":"m_SENT1"}"#)
        let replyID = try #require(replyID)
        try await fake.run { configuration, http in
            let client = MessengerSendClient(
                configuration: configuration, secrets: try .facebook(configuration, environment: MetaTestConfiguration.environment), http: http)
            #expect(client.channelType == .facebook)
            let outcome = await client.send(Self.reply(channel: "facebook-page", type: "facebook", to: "7000000000000001"), replyID: replyID)
            #expect(outcome == .sent(providerMessageID: "m_SENT1"))
            let sister = await client.send(
                Self.reply(channel: "facebook-sister", type: "facebook", to: "7000000000000003", text: "hi"), replyID: replyID)
            #expect(sister == .sent(providerMessageID: "m_SENT1"))
        }
        let requests = fake.requests
        #expect(requests.count == 2)
        let first = try #require(requests.first)
        #expect(first.path == "/v19.0/900000000000001/messages")
        #expect(first.authorization == "Bearer fb-page-token")
        #expect(first.contentType == "application/json")
        #expect(try JSONDecoder().decode(SentMessengerBody.self, from: Data(first.body)) == SentMessengerBody(
            recipient: .init(id: "7000000000000001"), messaging_type: "RESPONSE", message: .init(text: "Your order ships today. Ça va? 📦")))
        #expect(requests.last?.path == "/v19.0/900000000000003/messages")
        #expect(requests.last?.authorization == "Bearer sister-page-token")
    }

    @Test func aWhatsAppReplyReachesTheGraphAPIWithTheTokenAndBody() async throws {
        let fake = FakeGraphAPI()
        fake.answer(.ok, #"{"messaging_product":"whatsapp","contacts":[{"input":"15550001111","wa_id":"15550001111"}],"messages":[{"id":"wamid.SENT1"}]}"#)
        let replyID = try #require(replyID)
        try await fake.run { configuration, http in
            let client = WhatsAppSendClient(
                configuration: configuration, secrets: try .whatsapp(configuration, environment: MetaTestConfiguration.environment), http: http)
            #expect(client.channelType == .whatsapp)
            let reply = Self.reply(
                channel: "whatsapp-support", type: "whatsapp", to: "15550001111", text: "Here is the label",
                attachments: [Wire.Attachment(url: "https://files.example/label.pdf", contentType: "application/pdf")])
            #expect(await client.send(reply, replyID: replyID) == .sent(providerMessageID: "wamid.SENT1"))
        }
        let request = try #require(fake.requests.first)
        #expect(fake.requests.count == 1)
        #expect(request.path == "/v19.0/200000000000001/messages")
        #expect(request.authorization == "Bearer wa-access-token")
        #expect(try JSONDecoder().decode(SentWhatsAppBody.self, from: Data(request.body)) == SentWhatsAppBody(
            messaging_product: "whatsapp", to: "15550001111", type: "text",
            text: .init(body: "Here is the label\nhttps://files.example/label.pdf"),
            biz_opaque_callback_data: "0123456789abcdef0123456789abcdef"))
    }

    @Test(arguments: [
        (HTTPResponse.Status.serviceUnavailable, "", "retryable"),
        (.internalServerError, #"{"error":{"message":"An unexpected error has occurred.","code":2,"is_transient":true}}"#, "retryable"),
        (.tooManyRequests, "", "retryable"),
        (.requestTimeout, "", "retryable"),
        (.badRequest, #"{"error":{"message":"(#4) Application request limit reached","type":"OAuthException","code":4}}"#, "retryable"),
        (.badRequest, #"{"error":{"message":"Temporary","code":999,"is_transient":true}}"#, "retryable"),
        (.badRequest, #"{"error":{"message":"(#100) The parameter recipient is required","type":"OAuthException","code":100,"error_subcode":2018001,"fbtrace_id":"A1"}}"#, "permanent"),
        (.unauthorized, #"{"error":{"message":"Error validating access token","type":"OAuthException","code":190}}"#, "permanent"),
        (.badRequest, "not json", "permanent"),
    ])
    func graphAnswersMapToRetryableOrPermanent(_ status: HTTPResponse.Status, _ body: String, _ expected: String) async throws {
        let fake = FakeGraphAPI()
        fake.answer(status, body)
        let replyID = try #require(replyID)
        try await fake.run { configuration, http in
            let environment = MetaTestConfiguration.environment
            let senders: [(any ProviderReplySender, AgentReply)] = [
                (MessengerSendClient(configuration: configuration, secrets: try .facebook(configuration, environment: environment), http: http),
                 Self.reply(channel: "facebook-page", type: "facebook", to: "7000000000000001")),
                (WhatsAppSendClient(configuration: configuration, secrets: try .whatsapp(configuration, environment: environment), http: http),
                 Self.reply(channel: "whatsapp-support", type: "whatsapp", to: "15550001111")),
            ]
            for (sender, reply) in senders {
                let outcome = await sender.send(reply, replyID: replyID)
                let reason: String
                switch (outcome, expected) {
                case (.retryable(let text), "retryable"), (.permanent(let text), "permanent"): reason = text
                default:
                    Issue.record("\(sender.channelType) \(status.code): expected \(expected), got \(outcome)")
                    continue
                }
                #expect(reason.contains("Graph API answered \(status.code)"), "\(reason)")
                #expect(!reason.contains("fb-page-token") && !reason.contains("wa-access-token"), "a credential in: \(reason)")
                if body.contains("(#100)") { #expect(reason.contains("(#100) The parameter recipient is required (code 100, subcode 2018001)")) }
            }
        }
        #expect(fake.requests.count == 2)
    }

    @Test func aSuccessWhoseIDCannotBeReadIsStillSentNeverRetried() async throws {
        let fake = FakeGraphAPI()
        fake.answer(.ok, "<html>ok</html>")
        let replyID = try #require(replyID)
        try await fake.run { configuration, http in
            let client = MessengerSendClient(
                configuration: configuration, secrets: try .facebook(configuration, environment: MetaTestConfiguration.environment), http: http)
            let outcome = await client.send(Self.reply(channel: "facebook-page", type: "facebook", to: "7000000000000001"), replyID: replyID)
            #expect(outcome == .sent(providerMessageID: ""))
        }
        #expect(fake.requests.count == 1)
    }

    @Test func anUnreachableGraphAPIIsRetryable() async throws {
        let port = try #require(try FreePorts.allocate(1).first)
        let configuration = try MetaTestConfiguration.make(apiBase: "http://127.0.0.1:\(port)")
        let replyID = try #require(replyID)
        try await withHTTPClient { http in
            let client = WhatsAppSendClient(
                configuration: configuration, secrets: try .whatsapp(configuration, environment: MetaTestConfiguration.environment),
                http: http, timeout: .seconds(1))
            let outcome = await client.send(Self.reply(channel: "whatsapp-support", type: "whatsapp", to: "15550001111"), replyID: replyID)
            guard case .retryable(let reason) = outcome else {
                Issue.record("expected retryable, got \(outcome)")
                return
            }
            #expect(reason.contains("Graph API could not be reached"))
        }
    }

    @Test func anUnknownChannelOrAnEmptyReplyIsPermanentWithoutASend() async throws {
        let fake = FakeGraphAPI()
        let replyID = try #require(replyID)
        try await fake.run { configuration, http in
            let environment = MetaTestConfiguration.environment
            let messenger = MessengerSendClient(configuration: configuration, secrets: try .facebook(configuration, environment: environment), http: http)
            let whatsApp = WhatsAppSendClient(configuration: configuration, secrets: try .whatsapp(configuration, environment: environment), http: http)
            #expect(await messenger.send(Self.reply(channel: "whatsapp-support", type: "facebook", to: "1"), replyID: replyID)
                == .permanent(reason: "no facebook channel \"whatsapp-support\" is configured"))
            #expect(await whatsApp.send(Self.reply(channel: "nope", type: "whatsapp", to: "1"), replyID: replyID)
                == .permanent(reason: "no whatsapp channel \"nope\" is configured"))
            #expect(await whatsApp.send(Self.reply(channel: "whatsapp-support", type: "whatsapp", to: "1", text: ""), replyID: replyID)
                == .permanent(reason: "the reply has no text and no attachment"))
            #expect(await messenger.send(Self.reply(channel: "facebook-page", type: "facebook", to: ""), replyID: replyID)
                == .permanent(reason: "the reply has no customer address (PSID)"))
        }
        #expect(fake.requests.isEmpty)
    }
}
