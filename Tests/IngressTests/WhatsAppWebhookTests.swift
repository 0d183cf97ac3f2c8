import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import Wire

@testable import Ingress

/// docs/channels/whatsapp.md, each answer checked against the outbox and the delivery-status store.
@Suite struct WhatsAppWebhookTests {
    @Test func theKnownAnswerVectorIsStoredAndAnswered200() async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            let (status, text) = try await fixture.post(
                client, body: Array(MetaVectors.whatsAppBody.utf8), signature: MetaVectors.whatsAppSignature)
            #expect(status == .ok)
            #expect(text == "EVENT_RECEIVED")
            let messages = try await fixture.storedMessages()
            #expect(messages.count == 1)
            let message = try #require(messages.first)
            #expect(message.channelInstanceID == "whatsapp-support")
            #expect(message.channelType == "whatsapp")
            #expect(message.providerMessageID == "wamid.TEST0001")
            #expect(message.customerAddress == "15550001111")
            #expect(message.customerDisplayName == "Ada Example")
            #expect(message.text == "Hello, I need a refund")
            #expect(message.providerTimestampMs == 1_717_000_000_000)
            #expect(message.channelData == [
                "channel.id": "whatsapp-support", "channel.type": "whatsapp", "customer.address": "15550001111",
                "customer.displayName": "Ada Example", "whatsapp.phoneNumberId": "200000000000001",
                "whatsapp.displayPhoneNumber": "15550002222",
            ])
            #expect(try await fixture.statuses.all().isEmpty)
        }
    }

    @Test func aUnicodeEscapedBodyIsVerifiedOverItsRawBytes() async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            let escaped = MetaBodies.whatsApp([MetaBodies.whatsAppChange(
                contacts: [MetaBodies.whatsAppContact(name: #"Zo\u00eb \u4e2d"#)],
                messages: [MetaBodies.whatsAppText(id: "wamid.U1", body: #"\u00bfD\u00f3nde est\u00e1 mi pedido? \ud83d\udce6"#)])])
            let plain = MetaBodies.whatsApp([MetaBodies.whatsAppChange(
                contacts: [MetaBodies.whatsAppContact(name: "Zoë 中")],
                messages: [MetaBodies.whatsAppText(id: "wamid.U1", body: "¿Dónde está mi pedido? 📦")])])
            let secret = Array(MetaVectors.whatsAppSecret.utf8)
            let wrong = try await fixture.post(
                client, body: Array(escaped.utf8), signature: MetaSignature.sign(body: Array(plain.utf8), secret: secret))
            #expect(wrong.status == .forbidden)
            #expect(try await fixture.store.allRows().isEmpty)
            #expect(try await fixture.postSigned(client, escaped, secret: MetaVectors.whatsAppSecret).status == .ok)
            let message = try #require(try await fixture.storedMessages().first)
            #expect(message.text == "¿Dónde está mi pedido? 📦")
            #expect(message.customerDisplayName == "Zoë 中")
        }
    }

    @Test(arguments: ["tampered", "missing", "wrong secret", "other app's secret"])
    func aBadSignatureIs403AndStoresNothing(_ kind: String) async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            let statusBody = MetaBodies.whatsApp([MetaBodies.whatsAppChange(statuses: [MetaBodies.whatsAppStatus(id: "wamid.OUT1", status: "read")])])
            for original in [MetaVectors.whatsAppBody, statusBody] {
                var body = Array(original.utf8)
                var signature: String? = MetaSignature.sign(body: body, secret: Array(MetaVectors.whatsAppSecret.utf8))
                switch kind {
                case "tampered": body = Array(original.replacingOccurrences(of: "15550001111", with: "15550009999").utf8)
                case "missing": signature = nil
                case "wrong secret": signature = MetaSignature.sign(body: body, secret: Array("guess".utf8))
                default: signature = MetaSignature.sign(body: body, secret: Array("export-app-secret".utf8))
                }
                let (status, text) = try await fixture.post(client, body: body, signature: signature)
                if kind == "other app's secret" {
                    // Authentic for the export number's app, but the body is for another number.
                    #expect(status == .notFound, "\(text)")
                } else {
                    #expect(status == .forbidden, "\(kind): \(text)")
                }
            }
            #expect(try await fixture.store.allRows().isEmpty)
            #expect(try await fixture.statuses.all().isEmpty)
        }
    }

    @Test func theVerificationHandshakeEchoesTheChallengeOnlyForTheRightToken() async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            let good = try await fixture.get(client, "/channels/whatsapp?hub.mode=subscribe&hub.verify_token=wa-verify-token&hub.challenge=987654321")
            #expect(good.status == .ok)
            #expect(good.text == "987654321")
            let bad = try await fixture.get(client, "/channels/whatsapp?hub.mode=subscribe&hub.verify_token=fb-verify-token&hub.challenge=1")
            #expect(bad.status == .forbidden)
            let perChannel = try await fixture.get(client, "/channels/whatsapp/whatsapp-support?hub.mode=subscribe&hub.verify_token=wa-verify-token&hub.challenge=5")
            #expect(perChannel.status == .ok)
            #expect(perChannel.text == "5")
        }
    }

    @Test func aBatchedPayloadStoresEveryMessageInOrderAndStatusesSeparately() async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            let first = MetaBodies.whatsAppChange(
                contacts: [MetaBodies.whatsAppContact(), MetaBodies.whatsAppContact(waID: "15550003333", name: "Grace")],
                messages: [MetaBodies.whatsAppText(id: "wamid.1"), MetaBodies.whatsAppText(id: "wamid.2", from: "15550003333", body: "hi from grace")])
            let receipts = MetaBodies.whatsAppChange(statuses: [
                MetaBodies.whatsAppStatus(id: "wamid.OUT1", status: "delivered", extra: #","biz_opaque_callback_data":"0123456789abcdef0123456789abcdef""#),
                MetaBodies.whatsAppStatus(
                    id: "wamid.OUT2", status: "failed",
                    extra: #","errors":[{"code":131047,"title":"Re-engagement message","message":"More than 24 hours"}]"#),
            ])
            let third = MetaBodies.whatsAppChange(contacts: [MetaBodies.whatsAppContact()], messages: [MetaBodies.whatsAppText(id: "wamid.3", body: "third")])
            let templates = #"{"value":{"event":"APPROVED","message_template_id":1},"field":"message_template_status_update"}"#
            let body = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[\#(first),\#(receipts)]},{"id":"1","changes":[\#(templates),\#(third)]}]}"#
            let (status, text) = try await fixture.postSigned(client, body, secret: MetaVectors.whatsAppSecret)
            #expect(status == .ok)
            #expect(text == "EVENT_RECEIVED")
            let messages = try await fixture.storedMessages()
            #expect(messages.map(\.providerMessageID) == ["wamid.1", "wamid.2", "wamid.3"])
            #expect(messages.map(\.customerAddress) == ["15550001111", "15550003333", "15550001111"])
            #expect(messages.map(\.customerDisplayName) == ["Ada Example", "Grace", "Ada Example"])

            let statuses = try await fixture.statuses.all()
            #expect(statuses == [
                DeliveryStatus(
                    channelInstanceID: "whatsapp-support", providerMessageID: "wamid.OUT1", status: "delivered", recipient: "15550001111",
                    providerTimestampMs: 1_717_000_100_000, error: nil, correlation: "0123456789abcdef0123456789abcdef",
                    receivedAtMs: 1_717_000_001_000),
                DeliveryStatus(
                    channelInstanceID: "whatsapp-support", providerMessageID: "wamid.OUT2", status: "failed", recipient: "15550001111",
                    providerTimestampMs: 1_717_000_100_000, error: "131047: Re-engagement message", correlation: nil,
                    receivedAtMs: 1_717_000_001_000),
            ])
        }
    }

    @Test func statusesAreNotCustomerMessagesAndARetryStoresThemOnce() async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            let body = MetaBodies.whatsApp([MetaBodies.whatsAppChange(statuses: [
                MetaBodies.whatsAppStatus(id: "wamid.OUT1", status: "sent"), MetaBodies.whatsAppStatus(id: "wamid.OUT1", status: "read"),
            ])])
            for _ in 0..<2 {
                let (status, text) = try await fixture.postSigned(client, body, secret: MetaVectors.whatsAppSecret)
                #expect(status == .ok)
                #expect(text == "EVENT_RECEIVED")
            }
            #expect(try await fixture.store.allRows().isEmpty)
            #expect(try await fixture.statuses.statuses(providerMessageID: "wamid.OUT1").map(\.status) == ["sent", "read"])
            let metrics = try await fixture.metrics(client)
            #expect(!metrics.contains(#"switchboard_ingress_accepted_total{channel_type="whatsapp"} 1"#))
        }
    }

    @Test func aMessageTheRouterWouldRefuseIsSkippedAndTheRestOfTheBatchStored() async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            // An id over the wire's bound (decisions §38): Meta would retry the whole POST on an
            // error answer, so only that message is left out.
            let tooLong = "wamid." + String(repeating: "X", count: WireCodec.maximumIDBytes)
            let body = MetaBodies.whatsApp([MetaBodies.whatsAppChange(
                messages: [MetaBodies.whatsAppText(id: tooLong), MetaBodies.whatsAppText(id: "wamid.OK1")],
                statuses: [MetaBodies.whatsAppStatus(id: "wamid.OUT2", status: "sent")])])
            let (status, text) = try await fixture.postSigned(client, body, secret: MetaVectors.whatsAppSecret)
            #expect(status == .ok)
            #expect(text == "EVENT_RECEIVED")
            #expect(try await fixture.storedMessages().map(\.providerMessageID) == ["wamid.OK1"])
            #expect(try await fixture.statuses.statuses(providerMessageID: "wamid.OUT2").map(\.status) == ["sent"])
        }
    }

    @Test func theCustomerIsKeyedOnWaIDElseUserIDElseFrom() async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            let userOnly = #"{"id":"wamid.K1","timestamp":"1717000000","type":"text","text":{"body":"no phone"}}"#
            let both = MetaBodies.whatsAppText(id: "wamid.K2", from: "15550004444")
            let bare = MetaBodies.whatsAppText(id: "wamid.K3", from: "+15550005555")
            let body = MetaBodies.whatsApp([
                MetaBodies.whatsAppChange(contacts: [MetaBodies.whatsAppContact(waID: nil, userID: "US.13491208655302741918", name: "Lin")], messages: [userOnly]),
                MetaBodies.whatsAppChange(contacts: [MetaBodies.whatsAppContact(waID: "15550004444", userID: "US.2")], messages: [both]),
                MetaBodies.whatsAppChange(messages: [bare]),
            ])
            #expect(try await fixture.postSigned(client, body, secret: MetaVectors.whatsAppSecret).status == .ok)
            let messages = try await fixture.storedMessages()
            #expect(messages.map(\.customerAddress) == ["US.13491208655302741918", "15550004444", "15550005555"])
            #expect(messages.map { $0.channelData["whatsapp.userId"] } == ["US.13491208655302741918", "US.2", nil])
            #expect(messages.map { $0.channelData["customer.address"] } == messages.map(\.customerAddress))
            #expect(messages.map(\.customerDisplayName) == ["Lin", "Ada Example", nil])
        }
    }

    @Test func mediaAreKeptAsAttachmentsWithTheirIDAndCaption() async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            let image = #"{"from":"15550001111","id":"wamid.M1","timestamp":"1717000000","type":"image","image":{"caption":"the broken part","mime_type":"image/jpeg","sha256":"abc","id":"1234567890"}}"#
            let document = #"{"from":"15550001111","id":"wamid.M2","timestamp":"1717000000","type":"document","document":{"filename":"invoice.pdf","mime_type":"application/pdf","id":"555","url":"https://lookaside.example/555"}}"#
            let voice = #"{"from":"15550001111","id":"wamid.M3","timestamp":"1717000000","type":"audio","audio":{"mime_type":"audio/ogg; codecs=opus","id":"777","voice":true}}"#
            let noMedia = #"{"from":"15550001111","id":"wamid.M4","timestamp":"1717000000","type":"video"}"#
            let reaction = #"{"from":"15550001111","id":"wamid.M5","timestamp":"1717000000","type":"reaction","reaction":{"message_id":"wamid.X","emoji":"👍"}}"#
            let button = #"{"from":"15550001111","id":"wamid.M6","timestamp":"1717000000","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"b1","title":"Yes please"}}}"#
            let body = MetaBodies.whatsApp([MetaBodies.whatsAppChange(
                contacts: [MetaBodies.whatsAppContact()], messages: [image, document, voice, noMedia, reaction, button])])
            #expect(try await fixture.postSigned(client, body, secret: MetaVectors.whatsAppSecret).status == .ok)
            let messages = try await fixture.storedMessages()
            #expect(messages.map(\.providerMessageID) == ["wamid.M1", "wamid.M2", "wamid.M3", "wamid.M6"])
            #expect(messages[0].text == "the broken part")
            #expect(messages[0].attachments == [Attachment(url: "https://graph.facebook.com/v19.0/1234567890", contentType: "image/jpeg")])
            #expect(messages[1].attachments == [Attachment(url: "https://lookaside.example/555", contentType: "application/pdf", name: "invoice.pdf")])
            #expect(messages[2].text == "")
            #expect(messages[2].attachments.map(\.contentType) == ["audio/ogg; codecs=opus"])
            #expect(messages[3].text == "Yes please")
        }
    }

    @Test func aChangeForAnUnconfiguredNumberIsSkippedAndOnlyUnknownNumbersAre404() async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            let ours = MetaBodies.whatsAppChange(contacts: [MetaBodies.whatsAppContact()], messages: [MetaBodies.whatsAppText(id: "wamid.OURS")])
            let theirs = MetaBodies.whatsAppChange(phoneNumberID: "299999999999999", messages: [MetaBodies.whatsAppText(id: "wamid.THEIRS")])
            #expect(try await fixture.postSigned(client, MetaBodies.whatsApp([theirs, ours]), secret: MetaVectors.whatsAppSecret).status == .ok)
            #expect(try await fixture.storedMessages().map(\.providerMessageID) == ["wamid.OURS"])
            let (status, text) = try await fixture.postSigned(client, MetaBodies.whatsApp([theirs]), secret: MetaVectors.whatsAppSecret)
            #expect(status == .notFound)
            #expect(text.contains("no configured whatsapp channel for phone number id 299999999999999"))
            #expect(try await fixture.store.allRows().count == 1)
        }
    }

    @Test func aDuplicateDeliveryIsAnswered200AndStoredOnce() async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            for _ in 0..<2 {
                let (status, _) = try await fixture.post(client, body: Array(MetaVectors.whatsAppBody.utf8), signature: MetaVectors.whatsAppSignature)
                #expect(status == .ok)
            }
            // The same message inside a bigger batch later: still once.
            let batch = MetaBodies.whatsApp([MetaBodies.whatsAppChange(
                contacts: [MetaBodies.whatsAppContact()],
                messages: [MetaBodies.whatsAppText(id: "wamid.TEST0001"), MetaBodies.whatsAppText(id: "wamid.NEW")])])
            #expect(try await fixture.postSigned(client, batch, secret: MetaVectors.whatsAppSecret).status == .ok)
            #expect(try await fixture.store.allRows().map(\.providerMessageID) == ["wamid.TEST0001", "wamid.NEW"])
            let metrics = try await fixture.metrics(client)
            #expect(metrics.contains(#"switchboard_ingress_duplicates_total{channel_type="whatsapp"} 2"#))
        }
    }

    @Test(arguments: [
        ("{", "body is not valid JSON"),
        (#"{"object":"whatsapp_business_account","entry":{"changes":[]}}"#, "entry must be an array"),
        (#"{"object":"page","entry":[]}"#, #"object must be \"whatsapp_business_account\", got \"page\""#),
    ])
    func aSignedMalformedBodyIs400WithAReason(_ body: String, _ reason: String) async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            let (status, text) = try await fixture.postSigned(client, body, secret: MetaVectors.whatsAppSecret)
            #expect(status == .badRequest)
            #expect(text.contains(reason), "\(text)")
        }
    }

    @Test func aBodyOverThreeMebibytesIs413() async throws {
        try await MetaIngressFixture.with(.whatsapp) { fixture, client in
            let body = String(MetaVectors.whatsAppBody.dropLast()) + #","padding":""# + String(repeating: "x", count: 3 << 20) + #""}"#
            let (status, _) = try await fixture.postSigned(client, body, secret: MetaVectors.whatsAppSecret)
            #expect(status == .contentTooLarge)
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }
}
