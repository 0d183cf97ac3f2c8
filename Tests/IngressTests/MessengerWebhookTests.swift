import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Wire

@testable import Ingress

/// docs/channels/facebook.md, each answer checked against the outbox.
@Suite struct MessengerWebhookTests {
    @Test func theKnownAnswerVectorIsStoredAndAnswered200() async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            let (status, text) = try await fixture.post(
                client, body: Array(MetaVectors.messengerBody.utf8), signature: MetaVectors.messengerSignature)
            #expect(status == .ok)
            #expect(text == "EVENT_RECEIVED")
            let messages = try await fixture.storedMessages()
            #expect(messages.count == 1)
            let message = try #require(messages.first)
            #expect(message.channelInstanceID == "facebook-page")
            #expect(message.channelType == "facebook")
            #expect(message.providerMessageID == "m_TESTMID0001")
            #expect(message.customerAddress == "7000000000000001")
            #expect(message.text == "Hi, is my order shipped?")
            #expect(message.attachments.isEmpty)
            #expect(message.providerTimestampMs == 1_717_000_000_123)
            #expect(message.receivedAtMs == 1_717_000_001_000)
            #expect(message.channelData == [
                "channel.id": "facebook-page", "channel.type": "facebook", "customer.address": "7000000000000001",
                "facebook.pageId": "900000000000001",
            ])
            #expect(try await fixture.store.allRows().first?.providerMessageID == "m_TESTMID0001")
        }
    }

    @Test func aUnicodeEscapedBodyIsVerifiedOverItsRawBytes() async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            // As Meta sends it: non-ASCII escaped. The same JSON written in plain UTF-8 (what a
            // decoder re-serializing would hash) has another signature.
            let escaped = MetaBodies.messenger([("900000000000001", [MetaBodies.messengerMessage(mid: "m_U1", text: #"Caf\u00e9 \ud83d\ude00 \/ ok?"#)])])
            let plain = MetaBodies.messenger([("900000000000001", [MetaBodies.messengerMessage(mid: "m_U1", text: "Café 😀 / ok?")])])
            let secret = Array(MetaVectors.messengerSecret.utf8)
            #expect(MetaSignature.sign(body: Array(escaped.utf8), secret: secret) != MetaSignature.sign(body: Array(plain.utf8), secret: secret))

            let wrong = try await fixture.post(
                client, body: Array(escaped.utf8), signature: MetaSignature.sign(body: Array(plain.utf8), secret: secret))
            #expect(wrong.status == .forbidden)
            #expect(try await fixture.store.allRows().isEmpty)

            let right = try await fixture.postSigned(client, escaped, secret: MetaVectors.messengerSecret)
            #expect(right.status == .ok)
            #expect(try await fixture.storedMessages().map(\.text) == ["Café 😀 / ok?"])
        }
    }

    @Test(arguments: [
        ("tampered", "tampered", "signature does not match"),
        ("missing", "missing", "missing X-Hub-Signature-256 header"),
        ("wrong secret", "wrong secret", "signature does not match"),
        ("no prefix", "no prefix", "must start with sha256="),
        ("sha1", "sha1", "must start with sha256="),
        ("not hex", "not hex", "signature does not match"),
    ])
    func aBadSignatureIs403AndStoresNothing(_ label: String, _ kind: String, _ reason: String) async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            var body = Array(MetaVectors.messengerBody.utf8)
            var signature: String? = MetaVectors.messengerSignature
            switch kind {
            case "tampered": body = Array(MetaVectors.messengerBody.replacingOccurrences(of: "shipped", with: "lost").utf8)
            case "missing": signature = nil
            case "wrong secret": signature = MetaSignature.sign(body: body, secret: Array("another-secret".utf8))
            case "no prefix": signature = String(MetaVectors.messengerSignature.dropFirst("sha256=".count))
            case "sha1": signature = "sha1=" + String(repeating: "ab", count: 20)
            default: signature = "sha256=" + String(repeating: "zz", count: 32)
            }
            let (status, text) = try await fixture.post(client, body: body, signature: signature)
            #expect(status == .forbidden, "\(label)")
            #expect(text.contains(reason), "\(label): \(text)")
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func theVerificationHandshakeEchoesTheChallengeOnlyForTheRightToken() async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            let good = try await fixture.get(client, "/channels/facebook?hub.mode=subscribe&hub.verify_token=fb-verify-token&hub.challenge=1158201444")
            #expect(good.status == .ok)
            #expect(good.text == "1158201444")
            #expect(good.contentType?.hasPrefix("text/plain") == true)
            // Another app's token on the app-wide URL, and percent-encoding decoded.
            let other = try await fixture.get(client, "/channels/facebook?hub.mode=subscribe&hub.verify_token=outlet%2Dverify%2Dtoken&hub.challenge=abc%20def+g")
            #expect(other.status == .ok)
            #expect(other.text == "abc def g")
            // The per-channel URL accepts only that channel's token.
            let narrowed = try await fixture.get(client, "/channels/facebook/facebook-page?hub.mode=subscribe&hub.verify_token=outlet-verify-token&hub.challenge=1")
            #expect(narrowed.status == .forbidden)
            let perChannel = try await fixture.get(client, "/channels/facebook/facebook-outlet?hub.mode=subscribe&hub.verify_token=outlet-verify-token&hub.challenge=7")
            #expect(perChannel.status == .ok)
            #expect(perChannel.text == "7")

            let badToken = try await fixture.get(client, "/channels/facebook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1")
            #expect(badToken.status == .forbidden)
            #expect(badToken.text.contains("hub.verify_token does not match"))
            let badMode = try await fixture.get(client, "/channels/facebook?hub.mode=unsubscribe&hub.verify_token=fb-verify-token&hub.challenge=1")
            #expect(badMode.status == .forbidden)
            let noToken = try await fixture.get(client, "/channels/facebook?hub.mode=subscribe&hub.challenge=1")
            #expect(noToken.status == .forbidden)
            let malformed = try await fixture.get(client, "/channels/facebook?hub.mode=subscribe&hub.verify_token=fb-verify-token&hub.challenge=%zz")
            #expect(malformed.status == .badRequest)
            let noChallenge = try await fixture.get(client, "/channels/facebook?hub.mode=subscribe&hub.verify_token=fb-verify-token")
            #expect(noChallenge.status == .badRequest)
            let unknown = try await fixture.get(client, "/channels/facebook/no-such-page?hub.mode=subscribe&hub.verify_token=fb-verify-token&hub.challenge=1")
            #expect(unknown.status == .notFound)
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aBatchedPayloadStoresEveryMessageInOrderAndSkipsEchoesAndReceipts() async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            let echo = MetaBodies.messengerMessage(mid: "m_ECHO", psid: "900000000000001", extra: #","is_echo":true,"app_id":1"#)
            let delivery = #"{"sender":{"id":"7000000000000001"},"recipient":{"id":"900000000000001"},"delivery":{"mids":["m_X"],"watermark":1717000000000}}"#
            let read = #"{"sender":{"id":"7000000000000001"},"recipient":{"id":"900000000000001"},"timestamp":1,"read":{"watermark":1717000000000}}"#
            let postback = #"{"sender":{"id":"7000000000000001"},"recipient":{"id":"900000000000001"},"timestamp":1,"postback":{"title":"Start","payload":"GET_STARTED"}}"#
            let body = MetaBodies.messenger([
                ("900000000000001", [MetaBodies.messengerMessage(mid: "m_1"), echo, delivery, MetaBodies.messengerMessage(mid: "m_2", text: "second")]),
                ("900000000000003", [read, MetaBodies.messengerMessage(mid: "m_3", psid: "7000000000000003", page: "900000000000003"), postback]),
                ("900000000000001", [MetaBodies.messengerMessage(mid: "m_4")]),
            ])
            let (status, text) = try await fixture.postSigned(client, body, secret: MetaVectors.messengerSecret)
            #expect(status == .ok)
            #expect(text == "EVENT_RECEIVED")
            let messages = try await fixture.storedMessages()
            #expect(messages.map(\.providerMessageID) == ["m_1", "m_2", "m_3", "m_4"])
            #expect(messages.map(\.channelInstanceID) == ["facebook-page", "facebook-page", "facebook-sister", "facebook-page"])
            #expect(messages[2].channelData["facebook.pageId"] == "900000000000003")
            #expect(messages[2].customerAddress == "7000000000000003")
        }
    }

    @Test func entriesOfAPageOfAnotherAppAreSkippedAndOnlyUnknownPagesAre404() async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            let mixed = MetaBodies.messenger([
                ("900000000000002", [MetaBodies.messengerMessage(mid: "m_outlet", page: "900000000000002")]),
                ("900000000000001", [MetaBodies.messengerMessage(mid: "m_ours")]),
            ])
            // Signed with the first app's secret: the outlet page (another app) is not its to deliver.
            #expect(try await fixture.postSigned(client, mixed, secret: MetaVectors.messengerSecret).status == .ok)
            #expect(try await fixture.storedMessages().map(\.providerMessageID) == ["m_ours"])

            let unknown = MetaBodies.messenger([("123456", [MetaBodies.messengerMessage(mid: "m_nobody", page: "123456")])])
            let (status, text) = try await fixture.postSigned(client, unknown, secret: MetaVectors.messengerSecret)
            #expect(status == .notFound)
            #expect(text.contains("no configured facebook channel for page 123456"))

            // Signed by the outlet's app: its page is stored, on its channel.
            #expect(try await fixture.postSigned(client, mixed, secret: "outlet-app-secret").status == .ok)
            let messages = try await fixture.storedMessages()
            #expect(messages.map(\.providerMessageID) == ["m_ours", "m_outlet"])
            #expect(messages.last?.channelInstanceID == "facebook-outlet")
        }
    }

    @Test func thePerChannelURLAcceptsOnlyThatChannelsSecretAndPage() async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            let body = MetaBodies.messenger([("900000000000002", [MetaBodies.messengerMessage(mid: "m_o", page: "900000000000002")])])
            let wrongChannel = try await fixture.postSigned(client, uri: "/channels/facebook/facebook-page", body, secret: "outlet-app-secret")
            #expect(wrongChannel.status == .forbidden)
            let unknown = try await fixture.postSigned(client, uri: "/channels/facebook/nope", body, secret: "outlet-app-secret")
            #expect(unknown.status == .notFound)
            #expect(try await fixture.store.allRows().isEmpty)
            let right = try await fixture.postSigned(client, uri: "/channels/facebook/facebook-outlet", body, secret: "outlet-app-secret")
            #expect(right.status == .ok)
            #expect(try await fixture.storedMessages().map(\.channelInstanceID) == ["facebook-outlet"])
        }
    }

    @Test func aDuplicateDeliveryIsAnswered200AndStoredOnce() async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            for _ in 0..<3 {
                let (status, text) = try await fixture.post(
                    client, body: Array(MetaVectors.messengerBody.utf8), signature: MetaVectors.messengerSignature)
                #expect(status == .ok)
                #expect(text == "EVENT_RECEIVED")
            }
            #expect(try await fixture.store.allRows().count == 1)
            let metrics = try await fixture.metrics(client)
            #expect(metrics.contains(#"switchboard_ingress_accepted_total{channel_type="facebook"} 1"#))
            #expect(metrics.contains(#"switchboard_ingress_duplicates_total{channel_type="facebook"} 2"#))
        }
    }

    @Test func attachmentsKeepTheirURLAndKind() async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            let attachments = #","attachments":[{"type":"image","payload":{"url":"https://cdn.example/p.jpg"}},{"type":"location","payload":{"coordinates":{"lat":1,"long":2}}},{"type":"file","payload":{"url":"https://cdn.example/f.pdf"}}]"#
            let body = MetaBodies.messenger([("900000000000001", [MetaBodies.messengerMessage(mid: "m_att", text: "", extra: attachments)])])
            #expect(try await fixture.postSigned(client, body, secret: MetaVectors.messengerSecret).status == .ok)
            let message = try #require(try await fixture.storedMessages().first)
            #expect(message.text == "")
            #expect(message.attachments == [
                Attachment(url: "https://cdn.example/p.jpg", contentType: "image/*"), Attachment(url: "https://cdn.example/f.pdf"),
            ])
        }
    }

    @Test func anEventOfAnUnexpectedShapeIsSkippedAloneAndOneWithoutIDsToo() async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            let body = MetaBodies.messenger([("900000000000001", [
                #"{"sender":"7000000000000001","message":{"mid":"m_bad"}}"#,
                #"{"sender":{"id":"7000000000000001"},"message":{"text":"no mid"}}"#,
                #"{"sender":{},"message":{"mid":"m_nosender","text":"x"}}"#,
                // A sender id the router would refuse (over the wire's bound, decisions §38).
                MetaBodies.messengerMessage(mid: "m_longsender", psid: String(repeating: "7", count: 1_025)),
                MetaBodies.messengerMessage(mid: "m_good"),
            ])])
            let (status, _) = try await fixture.postSigned(client, body, secret: MetaVectors.messengerSecret)
            #expect(status == .ok)
            #expect(try await fixture.storedMessages().map(\.providerMessageID) == ["m_good"])
        }
    }

    @Test(arguments: [
        ("not json", "body is not valid JSON"),
        (#"{"object":"page","entry":{}}"#, "entry must be an array"),
        (#"{"object":"instagram","entry":[]}"#, #"object must be \"page\", got \"instagram\""#),
        (#"{"entry":[]}"#, "object must be"),
        ("[1]", "body must be an object"),
    ])
    func aSignedMalformedBodyIs400WithAReason(_ body: String, _ reason: String) async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            let (status, text) = try await fixture.postSigned(client, body, secret: MetaVectors.messengerSecret)
            #expect(status == .badRequest)
            #expect(text.contains(reason), "\(text)")
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aBatchWithNothingForTheRouterIsAnswered200WithoutStoring() async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            let echo = MetaBodies.messengerMessage(mid: "m_ECHO", extra: #","is_echo":true"#)
            for body in [#"{"object":"page","entry":[]}"#, MetaBodies.messenger([("900000000000001", [echo])])] {
                let (status, text) = try await fixture.postSigned(client, body, secret: MetaVectors.messengerSecret)
                #expect(status == .ok)
                #expect(text == "EVENT_RECEIVED")
            }
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aBodyOverThreeMebibytesIs413AndJustUnderIsAccepted() async throws {
        try await MetaIngressFixture.with(.facebook) { fixture, client in
            let limit = 3 << 20
            let prefix = String(MetaBodies.messenger([("900000000000001", [MetaBodies.messengerMessage(mid: "m_big")])]).dropLast())
            let fits = prefix + #","padding":""# + String(repeating: "x", count: limit - prefix.count - 15) + #""}"#
            #expect(fits.utf8.count <= limit)
            #expect(try await fixture.postSigned(client, fits, secret: MetaVectors.messengerSecret).status == .ok)
            let tooLarge = prefix + #","padding":""# + String(repeating: "x", count: limit) + #""}"#
            let (status, text) = try await fixture.postSigned(client, tooLarge, secret: MetaVectors.messengerSecret)
            #expect(status == .contentTooLarge)
            #expect(text.contains("larger than \(limit) bytes"))
            #expect(try await fixture.storedMessages().map(\.providerMessageID) == ["m_big"])
        }
    }

    @Test func aMissingSecretNamesTheVariableAndTheChannel() throws {
        let configuration = try MetaTestConfiguration.make()
        var environment = MetaTestConfiguration.environment
        environment["OUTLET_VERIFY_TOKEN"] = nil
        let error = #expect(throws: IngressError.self) { try MessengerAdapter(configuration: configuration, environment: environment) }
        #expect(error?.code == .missingSecret)
        #expect(error?.message.contains("OUTLET_VERIFY_TOKEN") == true)
        #expect(error?.message.contains("verifyToken of channel facebook-outlet") == true)
    }
}
