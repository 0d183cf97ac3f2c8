import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Testing
import Wire

@testable import Ingress

/// A provider's send API on loopback: records every request and answers what the test scripted.
actor FakeProviderAPI {
    struct Received: Sendable {
        let method: HTTPRequest.Method
        let path: String
        let authorization: String?
        let contentType: String?
        let body: String
    }

    private(set) var received: [Received] = []
    private var answer: (HTTPResponse.Status, String) = (.created, "{}")

    func answer(_ status: HTTPResponse.Status, _ body: String) { answer = (status, body) }

    func record(_ request: Received) -> (HTTPResponse.Status, String) {
        received.append(request)
        return answer
    }

    /// Serves on 127.0.0.1 at a port the system picks, for the duration of `body`.
    func serve(_ body: @escaping @Sendable (_ baseURL: String) async throws -> Void) async throws {
        let router = Router()
        router.post("**") { [self] request, _ -> Response in
            var bytes = try await request.body.collect(upTo: 1 << 20)
            let received = Received(
                method: request.method, path: request.uri.path, authorization: request.headers[.authorization],
                contentType: request.headers[.contentType], body: bytes.readString(length: bytes.readableBytes) ?? "")
            let (status, text) = await record(received)
            return Response(
                status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
        }
        let application = Application(router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)))
        try await application.test(.live) { client in
            let port = try #require(client.port)
            try await body("http://127.0.0.1:\(port)")
        }
    }
}

@Suite struct ProviderReplyClientTests {
    static let replyID = MessageID(prefix: 7, counter: 1)

    static func reply(channel: String, customer: String, text: String = "Your parcel ships today.", attachments: [Wire.Attachment] = []) -> AgentReply {
        AgentReply(
            conversationID: "conv-1", channelInstanceID: channel, channelType: channel == "sms-us" ? "sms" : "twitter",
            customerAddress: customer, agentID: "agent-ada", text: text, attachments: attachments, sentAtMs: 1_717_000_000_000)
    }

    static func twilio(_ baseURL: String, timeout: Duration = .seconds(10)) throws -> TwilioMessagesClient {
        try TwilioMessagesClient(
            configuration: try ProviderTestConfiguration.make(apiBaseURL: baseURL), environment: ProviderTestConfiguration.environment,
            client: HTTPClient.shared, timeout: timeout)
    }

    static func x(_ baseURL: String, timeout: Duration = .seconds(10)) throws -> XDirectMessageClient {
        try XDirectMessageClient(
            configuration: try ProviderTestConfiguration.make(apiBaseURL: baseURL), environment: ProviderTestConfiguration.environment,
            client: HTTPClient.shared, timeout: timeout)
    }

    @Test func aTwilioReplyReachesTheMessagesResourceWithBasicAuthAndAForm() async throws {
        let fake = FakeProviderAPI()
        await fake.answer(.created, #"{"sid":"SM99999999999999999999999999999999","status":"queued"}"#)
        try await fake.serve { baseURL in
            let outcome = try await Self.twilio(baseURL).send(
                Self.reply(channel: "sms-us", customer: "+15550001111", attachments: [Wire.Attachment(url: "https://cdn.example/r.pdf")]),
                replyID: Self.replyID)
            #expect(outcome == .sent(providerMessageID: "SM99999999999999999999999999999999"))
        }
        let request = try #require(await fake.received.first)
        #expect(await fake.received.count == 1)
        #expect(request.path == "/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json")
        let credentials = "AC00000000000000000000000000000001:" + ProviderTestConfiguration.twilioAuthToken
        #expect(request.authorization == "Basic " + Data(credentials.utf8).base64EncodedString())
        #expect(request.contentType == "application/x-www-form-urlencoded")
        let fields = try FormURLEncoded.decode(Array(request.body.utf8)).get()
        #expect(fields == [
            FormURLEncoded.Field(name: "To", value: "+15550001111"), FormURLEncoded.Field(name: "From", value: "+15550002222"),
            FormURLEncoded.Field(name: "Body", value: "Your parcel ships today."),
            FormURLEncoded.Field(name: "MediaUrl", value: "https://cdn.example/r.pdf"),
        ])
    }

    @Test func anXReplyReachesTheDMEndpointWithTheBearerTokenAndJSON() async throws {
        let fake = FakeProviderAPI()
        await fake.answer(.created, #"{"data":{"dm_conversation_id":"1-7","dm_event_id":"1800000000000000099"}}"#)
        try await fake.serve { baseURL in
            let outcome = try await Self.x(baseURL).send(
                Self.reply(channel: "x-support", customer: "7000000000000000001", text: "Hi \"Ada\"\nIt ships today."), replyID: Self.replyID)
            #expect(outcome == .sent(providerMessageID: "1800000000000000099"))
        }
        let request = try #require(await fake.received.first)
        #expect(request.path == "/2/dm_conversations/with/7000000000000000001/messages")
        #expect(request.authorization == "Bearer " + ProviderTestConfiguration.xAccessToken)
        #expect(request.contentType == "application/json")
        #expect(request.body == #"{"text":"Hi \"Ada\"\nIt ships today."}"#)
        let decoded = try JSONDecoder().decode([String: String].self, from: Data(request.body.utf8))
        #expect(decoded == ["text": "Hi \"Ada\"\nIt ships today."])
    }

    @Test(arguments: [
        (HTTPResponse.Status.serviceUnavailable, true), (.tooManyRequests, true), (.requestTimeout, true), (.internalServerError, true),
        (.badRequest, false), (.unauthorized, false), (.forbidden, false), (.notFound, false),
    ])
    func failuresMapToRetryableOrPermanent(_ status: HTTPResponse.Status, _ retryable: Bool) async throws {
        let fake = FakeProviderAPI()
        await fake.answer(status, #"{"code":21211,"message":"The 'To' number is not valid.","status":\#(status.code)}"#)
        try await fake.serve { baseURL in
            for outcome in [
                try await Self.twilio(baseURL).send(Self.reply(channel: "sms-us", customer: "+15550001111"), replyID: Self.replyID),
                try await Self.x(baseURL).send(Self.reply(channel: "x-support", customer: "7000000000000000001"), replyID: Self.replyID),
            ] {
                switch outcome {
                case .retryable(let reason): #expect(retryable, "\(status): \(reason)")
                case .permanent(let reason):
                    #expect(!retryable, "\(status): \(reason)")
                    #expect(reason.contains("answered \(status.code): The 'To' number is not valid."))
                case .sent: Issue.record("\(status) counted as sent")
                }
            }
        }
        #expect(await fake.received.count == 2)
    }

    @Test func anUnreachableProviderIsRetryableAndBadRepliesArePermanent() async throws {
        // Nothing listens on port 1 of the loopback: every connection is refused, and
        // AsyncHTTPClient retries until the time-out, kept short here.
        let twilio = try Self.twilio("http://127.0.0.1:1", timeout: .milliseconds(300))
        let x = try Self.x("http://127.0.0.1:1", timeout: .milliseconds(300))
        guard case .retryable = await twilio.send(Self.reply(channel: "sms-us", customer: "+15550001111"), replyID: Self.replyID) else {
            Issue.record("an unreachable Twilio is not retryable")
            return
        }
        guard case .retryable = await x.send(Self.reply(channel: "x-support", customer: "7000000000000000001"), replyID: Self.replyID) else {
            Issue.record("an unreachable X is not retryable")
            return
        }
        #expect(await twilio.send(Self.reply(channel: "nope", customer: "+1"), replyID: Self.replyID) == .permanent(reason: "no sms channel \"nope\""))
        #expect(await twilio.send(Self.reply(channel: "sms-us", customer: "+1", text: ""), replyID: Self.replyID)
            == .permanent(reason: "the reply has neither text nor attachments"))
        #expect(await x.send(Self.reply(channel: "x-support", customer: "../../admin"), replyID: Self.replyID)
            == .permanent(reason: "customer address \"../../admin\" is not an X user id"))
    }

    @Test func aSuccessWithoutAnIDIsStillSent() {
        #expect(ProviderAPICall.outcome(status: 201, body: Array("not json".utf8), provider: "X") { _ in nil } == .sent(providerMessageID: ""))
        #expect(ProviderAPICall.outcome(status: 302, body: [], provider: "X") { _ in "x" } == .permanent(reason: "X API answered 302"))
    }
}
