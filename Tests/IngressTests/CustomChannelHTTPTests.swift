import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import Wire

@testable import Ingress

/// Every answer of docs/channels/custom.md, each checked against the outbox contents.
@Suite struct CustomChannelHTTPTests {
    static let uri = "/channels/custom/mobile-app/messages"

    func withFixture(_ body: @escaping @Sendable (CustomIngressFixture, any TestClientProtocol) async throws -> Void) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let fixture = try CustomIngressFixture(store: try directory.outbox())
        try await fixture.application.test(.router) { client in try await body(fixture, client) }
    }

    func post(
        _ client: any TestClientProtocol, uri: String = Self.uri, body: String, headers: HTTPFields
    ) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            (response.status, String(buffer: response.body))
        }
    }

    @Test func aSignedMessageIsStoredAsASubmitAndAnswered202() async throws {
        try await withFixture { fixture, client in
            let body = CustomIngressFixture.body()
            let (status, text) = try await post(client, body: body, headers: fixture.signedHeaders(body))
            #expect(status == .accepted)
            #expect(text == #"{"status":"accepted","messageId":"app-msg-1","duplicate":false}"# + "\n")

            let rows = try await fixture.store.allRows()
            #expect(rows.count == 1)
            let envelope = try OutboxCodec.envelope(try #require(rows.first))
            guard case .submit(let submit) = envelope.message else {
                Issue.record("stored \(envelope.type), not a Submit")
                return
            }
            let message = submit.message
            #expect(message.channelInstanceID == "mobile-app")
            #expect(message.channelType == "custom")
            #expect(message.providerMessageID == "app-msg-1")
            #expect(message.customerAddress == "user-42")
            #expect(message.customerDisplayName == "Ada Example")
            #expect(message.locale == "en-GB")
            #expect(message.text == "Where is my invoice?")
            #expect(message.context == ["orderTotal": .number(120.5), "topic": .text("invoice")])
            #expect(message.channelData == [
                "channel.id": "mobile-app", "channel.type": "custom", "customer.address": "user-42",
                "customer.displayName": "Ada Example",
            ])
            #expect(message.receivedAtMs == Int64((fixture.now.timeIntervalSince1970 * 1000).rounded()))
            #expect(rows.first?.providerMessageID == "app-msg-1")
            #expect(rows.first?.state == .pending)
        }
    }

    @Test func attachmentsAndSentAtAreKept() async throws {
        try await withFixture { fixture, client in
            let body = #"{"messageId":"m-att","customer":{"id":"u"},"attachments":[{"url":"https://cdn.example/r.pdf","contentType":"application/pdf","name":"r.pdf"}],"sentAt":"2024-05-29T16:26:40.250Z"}"#
            let (status, _) = try await post(client, body: body, headers: fixture.signedHeaders(body))
            #expect(status == .accepted)
            let row = try #require(try await fixture.store.allRows().first)
            guard case .submit(let submit) = try OutboxCodec.envelope(row).message else {
                Issue.record("not a Submit")
                return
            }
            #expect(submit.message.attachments == [Attachment(url: "https://cdn.example/r.pdf", contentType: "application/pdf", name: "r.pdf")])
            #expect(submit.message.providerTimestampMs == 1_717_000_000_250)
            #expect(submit.message.text == "")
        }
    }

    /// Found by `switchboard fuzz`: ICU divided by zero on a long fraction and killed the process.
    @Test func aSentAtWithALongFractionIsKeptToTheMillisecondWithoutCrashing() async throws {
        try await withFixture { fixture, client in
            let body = #"{"messageId":"m-frac","customer":{"id":"u"},"text":"hi","sentAt":"2024-05-29T16:26:40.123\#(String(repeating: "9", count: 900))Z"}"#
            let (status, text) = try await post(client, body: body, headers: fixture.signedHeaders(body))
            #expect(status == .accepted, "\(text)")
            let row = try #require(try await fixture.store.allRows().first)
            guard case .submit(let submit) = try OutboxCodec.envelope(row).message else {
                Issue.record("not a Submit")
                return
            }
            #expect(submit.message.providerTimestampMs == 1_717_000_000_123)
        }
    }

    @Test(arguments: [
        ("2024-05-29T16:26:40Z", "2024-05-29T16:26:40Z"), ("2024-05-29t16:26:40.5z", "2024-05-29T16:26:40.5Z"),
        ("2024-05-29T16:26:40.123456789+02:00", "2024-05-29T16:26:40.123+02:00"),
        ("2024-05-29T16:26:40." + String(repeating: "9", count: 40) + "-05:30", "2024-05-29T16:26:40.999-05:30"),
    ])
    func rfc3339TimesAreNormalizedBeforeParsing(_ text: String, _ expected: String) {
        #expect(CustomMessagePayload.rfc3339Normalized(text) == expected)
    }

    @Test(arguments: [
        "", "yesterday", "99999999-01-01T00:00:00Z", "2024-05-29T16:26:40", "2024-05-29T16:26:40.Z", "2024-05-29 16:26:40Z",
        "2024-05-29T16:26:40+99999:00", "2024-05-29T16:26:40.12a3Z", "2024-05-29T16:26:40Zjunk", "２０２４-05-29T16:26:40Z",
    ])
    func textsNotShapedLikeRFC3339AreRefusedBeforeParsing(_ text: String) {
        #expect(CustomMessagePayload.rfc3339Normalized(text) == nil)
        #expect(CustomMessagePayload.parseRFC3339(text) == nil)
    }

    @Test func aRepeatedMessageIDIsADuplicateWithOneRow() async throws {
        try await withFixture { fixture, client in
            let body = CustomIngressFixture.body()
            _ = try await post(client, body: body, headers: fixture.signedHeaders(body))
            // A retry, re-signed (another text changes nothing: the message id decides).
            let retry = CustomIngressFixture.body(extra: #","sentAt":"2024-05-29T16:26:40Z""#)
            let (status, text) = try await post(client, body: retry, headers: fixture.signedHeaders(retry))
            #expect(status == .accepted)
            #expect(text == #"{"status":"accepted","messageId":"app-msg-1","duplicate":true}"# + "\n")
            #expect(try await fixture.store.allRows().count == 1)
        }
    }

    @Test(arguments: [
        ("forged", "sha256=" + String(repeating: "0", count: 64), "signature does not match"),
        ("missing", "", "missing X-Switchboard-Signature header"),
        ("not hex", "sha256=zz", "signature does not match"),
        ("no prefix", String(repeating: "a", count: 64), "must start with sha256="),
    ])
    func aBadSignatureIs403AndStoresNothing(_ label: String, _ signature: String, _ reason: String) async throws {
        try await withFixture { fixture, client in
            let body = CustomIngressFixture.body()
            var headers = fixture.signedHeaders(body)
            let name = try #require(HTTPField.Name(CustomChannelSignature.signatureHeader))
            headers[name] = signature.isEmpty ? nil : signature
            let (status, text) = try await post(client, body: body, headers: headers)
            #expect(status == .forbidden, "\(label)")
            #expect(text.contains(reason), "\(label): \(text)")
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aBodyChangedAfterSigningIs403() async throws {
        try await withFixture { fixture, client in
            let body = CustomIngressFixture.body()
            let headers = fixture.signedHeaders(body)
            let (status, _) = try await post(client, body: body.replacingOccurrences(of: "invoice", with: "refund"), headers: headers)
            #expect(status == .forbidden)
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aSignatureWithTheWrongSecretIs403() async throws {
        try await withFixture { fixture, client in
            let body = CustomIngressFixture.body()
            let (status, _) = try await post(client, body: body, headers: fixture.signedHeaders(body, secret: "another-secret"))
            #expect(status == .forbidden)
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aStaleTimestampIs403() async throws {
        try await withFixture { fixture, client in
            let body = CustomIngressFixture.body()
            let headers = fixture.signedHeaders(body, at: fixture.now.addingTimeInterval(-301))
            let (status, text) = try await post(client, body: body, headers: headers)
            #expect(status == .forbidden)
            #expect(text.contains("stale or replayed"))
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aBadSignatureWinsOverAMalformedBody() async throws {
        try await withFixture { fixture, client in
            var headers = fixture.signedHeaders("{}")
            headers[.contentType] = "application/json"
            let (status, _) = try await post(client, body: "not json", headers: headers)
            #expect(status == .forbidden)
        }
    }

    @Test(arguments: [
        ("not json", "body is not valid JSON"),
        ("[1,2]", "body must be a JSON object"),
        (#"{"customer":{"id":"u"},"text":"hi"}"#, "messageId is required"),
        (#"{"messageId":"","customer":{"id":"u"},"text":"hi"}"#, "messageId must not be empty"),
        (#"{"messageId":7,"customer":{"id":"u"},"text":"hi"}"#, "messageId must be a string"),
        (#"{"messageId":"m","text":"hi"}"#, "customer is required"),
        (#"{"messageId":"m","customer":{"displayName":"A"},"text":"hi"}"#, "customer.id is required"),
        (#"{"messageId":"m","customer":{"id":"u"}}"#, "a message needs text or at least one attachment"),
        (#"{"messageId":"m","customer":{"id":"u"},"text":"","attachments":[]}"#, "a message needs text or at least one attachment"),
        (#"{"messageId":"m","customer":{"id":"u"},"attachments":[{"name":"x"}]}"#, "attachments[0].url is required"),
        (#"{"messageId":"m","customer":{"id":"u"},"attachments":[{"url":"ftp://x/y"}]}"#, "attachments[0].url must be an absolute"),
        (#"{"messageId":"m","customer":{"id":"u"},"text":"hi","context":{"vip":true}}"#, "context.vip must be a string or a number, not a boolean"),
        (#"{"messageId":"m","customer":{"id":"u"},"text":"hi","context":{"tags":["a"]}}"#, "context.tags must be a string or a number"),
        (#"{"messageId":"m","customer":{"id":"u"},"text":"hi","context":{"x":null}}"#, "not null"),
        (#"{"messageId":"m","customer":{"id":"u"},"text":"hi","context":{"a.b":"x"}}"#, "is not allowed"),
        (#"{"messageId":"m","customer":{"id":"u"},"text":"hi","sentAt":"yesterday"}"#, "sentAt must be an RFC 3339 time"),
    ])
    func aMalformedBodyIs400WithAReasonAndStoresNothing(_ body: String, _ reason: String) async throws {
        try await withFixture { fixture, client in
            let (status, text) = try await post(client, body: body, headers: fixture.signedHeaders(body))
            #expect(status == .badRequest)
            #expect(text.contains(reason), "\(text)")
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    /// A signed body that nests deeper than the adapters read (here in a field the adapter
    /// ignores) is refused before it is decoded, which would have cost about 0.5 s of CPU.
    @Test func aBodyNestedTooDeepIs400AndStoresNothing() async throws {
        let deep = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let body = #"{"messageId":"m","customer":{"id":"u"},"text":"hi","extra":\#(deep)}"#
        try await withFixture { fixture, client in
            let (status, text) = try await post(client, body: body, headers: fixture.signedHeaders(body))
            #expect(status == .badRequest)
            #expect(text.contains("body nests arrays and objects deeper than 16 levels"), "\(text)")
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test(arguments: ["/channels/custom/no-such-channel/messages", "/channels/custom/web-chat/messages"])
    func anUnknownOrNonCustomChannelIs404(_ uri: String) async throws {
        try await withFixture { fixture, client in
            let body = CustomIngressFixture.body()
            let (status, text) = try await post(client, uri: uri, body: body, headers: fixture.signedHeaders(body))
            #expect(status == .notFound)
            #expect(text.contains("no custom channel"))
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aBodyOverOneMebibyteIs413() async throws {
        try await withFixture { fixture, client in
            let body = CustomIngressFixture.body(extra: #","padding":""# + String(repeating: "x", count: 1 << 20) + #"""#)
            let (status, text) = try await post(client, body: body, headers: fixture.signedHeaders(body))
            #expect(status == .contentTooLarge)
            #expect(text.contains("larger than 1048576 bytes"))
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test(arguments: [nil, "text/plain", "application/x-www-form-urlencoded"])
    func aNonJSONContentTypeIs415(_ contentType: String?) async throws {
        try await withFixture { fixture, client in
            let body = CustomIngressFixture.body()
            var headers = fixture.signedHeaders(body)
            headers[.contentType] = contentType
            let (status, _) = try await post(client, body: body, headers: headers)
            #expect(status == .unsupportedMediaType)
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func jsonWithACharsetParameterIsAccepted() async throws {
        try await withFixture { fixture, client in
            let body = CustomIngressFixture.body()
            var headers = fixture.signedHeaders(body)
            headers[.contentType] = "application/json; charset=utf-8"
            let (status, _) = try await post(client, body: body, headers: headers)
            #expect(status == .accepted)
        }
    }

    @Test func metricsCountAcceptedDuplicatesAndRejectionsByReason() async throws {
        try await withFixture { fixture, client in
            let body = CustomIngressFixture.body()
            _ = try await post(client, body: body, headers: fixture.signedHeaders(body))
            _ = try await post(client, body: body, headers: fixture.signedHeaders(body))
            _ = try await post(client, body: body, headers: fixture.signedHeaders(body, secret: "wrong"))
            _ = try await post(client, body: "{}", headers: fixture.signedHeaders("{}"))
            _ = try await post(client, uri: "/channels/custom/nope/messages", body: body, headers: fixture.signedHeaders(body))
            let metrics = try await client.execute(uri: "/metrics", method: .get) { String(buffer: $0.body) }
            #expect(metrics.contains(#"switchboard_ingress_accepted_total{channel_type="custom"} 1"#))
            #expect(metrics.contains(#"switchboard_ingress_duplicates_total{channel_type="custom"} 1"#))
            #expect(metrics.contains(#"switchboard_ingress_rejected_total{channel_type="custom",reason="signature"} 1"#))
            #expect(metrics.contains(#"switchboard_ingress_rejected_total{channel_type="custom",reason="malformed"} 1"#))
            #expect(metrics.contains(#"switchboard_ingress_rejected_total{channel_type="custom",reason="unknown_channel"} 1"#))
            let health = try await client.execute(uri: "/healthz", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(health.0 == .ok)
            #expect(health.1.contains(#""router.link":"down""#))
        }
    }

    @Test func twoHundredConcurrentRequestsAreStoredInFewerTransactions() async throws {
        try await withFixture { fixture, client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        let body = CustomIngressFixture.body(messageID: "m-\(index)")
                        return try await post(client, body: body, headers: fixture.signedHeaders(body)).0
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == .accepted })
            #expect(try await fixture.store.allRows().count == 200)
            #expect(fixture.store.transactionCount < 200)
        }
    }
}
