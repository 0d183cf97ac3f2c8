import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Testing
import Wire

@testable import Ingress

/// Twilio webhooks through the whole HTTP pipeline, each answer checked against the outbox.
@Suite struct SMSChannelHTTPTests {
    static let uri = "/channels/sms/twilio"
    static let twiML = #"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#

    static func adapter(publicURL: String = TwilioSignatureTests.url) throws -> SMSChannelAdapter {
        try SMSChannelAdapter(
            configuration: try ProviderTestConfiguration.make(smsPublicURL: publicURL), environment: ProviderTestConfiguration.environment)
    }

    static func headers(signature: String?, contentType: String? = "application/x-www-form-urlencoded; charset=UTF-8") -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        if let signature, let name = HTTPField.Name(TwilioSignature.header) { headers[name] = signature }
        return headers
    }

    /// A form body like Twilio's, signed over the configured URL.
    static func signed(_ body: String, url: String = TwilioSignatureTests.url, token: String = ProviderTestConfiguration.twilioAuthToken) throws -> HTTPFields {
        let fields = try FormURLEncoded.decode(Array(body.utf8)).get()
        let signer = TwilioSignature(authToken: Array(token.utf8), publicURL: try #require(HTTPURL(url)))
        return headers(signature: signer.sign(url: url, parameters: fields))
    }

    static func form(sid: String, body: String = "Hello", extra: [FormURLEncoded.Field] = []) -> String {
        FormURLEncoded.encode([
            FormURLEncoded.Field(name: "MessageSid", value: sid), FormURLEncoded.Field(name: "From", value: "+15550001111"),
            FormURLEncoded.Field(name: "To", value: ProviderTestConfiguration.ourNumber), FormURLEncoded.Field(name: "Body", value: body),
            FormURLEncoded.Field(name: "NumMedia", value: "0"),
        ] + extra)
    }

    @Test func theKnownAnswerVectorIsStoredAndAnsweredWithEmptyTwiML() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let answer = try await client.send(
                .post, Self.uri, headers: Self.headers(signature: TwilioSignatureTests.expected), body: TwilioSignatureTests.body)
            #expect(answer.status == .ok)
            #expect(answer.contentType == "text/xml")
            #expect(answer.body == Self.twiML)

            let messages = try await fixture.storedMessages()
            #expect(messages.count == 1)
            let message = try #require(messages.first)
            #expect(message.channelInstanceID == "sms-us")
            #expect(message.channelType == "sms")
            #expect(message.providerMessageID == "SM11111111111111111111111111111111")
            #expect(message.customerAddress == "+15550001111")
            #expect(message.text == "Hi, I need help with order #4521")
            #expect(message.attachments.isEmpty)
            // FromState and FromCity are sent empty: not set.
            #expect(message.channelData == [
                "channel.id": "sms-us", "channel.type": "sms", "customer.address": "+15550001111",
                "sms.to": "+15550002222", "sms.fromCountry": "US",
            ])
            #expect(message.receivedAtMs == Int64((fixture.now.timeIntervalSince1970 * 1000).rounded()))
        }
    }

    @Test func aDuplicateDeliveryIsAnsweredTheSameAndStoredOnce() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let headers = Self.headers(signature: TwilioSignatureTests.expected)
            _ = try await client.send(.post, Self.uri, headers: headers, body: TwilioSignatureTests.body)
            let again = try await client.send(.post, Self.uri, headers: headers, body: TwilioSignatureTests.body)
            #expect(again.status == .ok)
            #expect(again.body == Self.twiML)
            #expect(try await fixture.store.allRows().count == 1)
            let metrics = try await client.send(.get, "/metrics").body
            #expect(metrics.contains(#"switchboard_ingress_duplicates_total{channel_type="sms"} 1"#))
        }
    }

    @Test func aTamperedBodyIs403AndStoresNothing() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let tampered = TwilioSignatureTests.body.replacingOccurrences(of: "%234521&", with: "%234521!&")
            let answer = try await client.send(.post, Self.uri, headers: Self.headers(signature: TwilioSignatureTests.expected), body: tampered)
            #expect(answer.status == .forbidden)
            #expect(answer.body.contains("signature does not match"))
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aMissingSignatureHeaderIs403() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let answer = try await client.send(.post, Self.uri, headers: Self.headers(signature: nil), body: TwilioSignatureTests.body)
            #expect(answer.status == .forbidden)
            #expect(answer.body.contains("missing X-Twilio-Signature header"))
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aSignatureWithTheWrongAuthTokenIs403() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let body = Self.form(sid: "SM-wrong")
            let answer = try await client.send(.post, Self.uri, headers: try Self.signed(body, token: "not-the-token"), body: body)
            #expect(answer.status == .forbidden)
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aSignatureOverAnotherURLIs403() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let body = Self.form(sid: "SM-url")
            let headers = try Self.signed(body, url: "https://ingress.example.test/channels/sms/other")
            #expect(try await client.send(.post, Self.uri, headers: headers, body: body).status == .forbidden)
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func theDefaultPortFormOfTheURLIsAccepted() async throws {
        // Configured without a port, signed with :443 ...
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let body = Self.form(sid: "SM-port-1")
            let headers = try Self.signed(body, url: "https://ingress.example.test:443/channels/sms/twilio")
            #expect(try await client.send(.post, Self.uri, headers: headers, body: body).status == .ok)
            #expect(try await fixture.storedMessages().map(\.providerMessageID) == ["SM-port-1"])
        }
        // ... and configured with :443, signed without it (the known-answer vector).
        try await AdapterFixture.with(try Self.adapter(publicURL: "https://ingress.example.test:443/channels/sms/twilio")) { fixture, client in
            let answer = try await client.send(
                .post, Self.uri, headers: Self.headers(signature: TwilioSignatureTests.expected), body: TwilioSignatureTests.body)
            #expect(answer.status == .ok)
            #expect(try await fixture.store.allRows().count == 1)
        }
    }

    @Test func mediaAreKeptAsAttachmentsAndAnEmptyBodyIsFine() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let body = FormURLEncoded.encode([
                FormURLEncoded.Field(name: "MessageSid", value: "MM-media"), FormURLEncoded.Field(name: "From", value: "+15550001111"),
                FormURLEncoded.Field(name: "To", value: ProviderTestConfiguration.ourNumber), FormURLEncoded.Field(name: "Body", value: ""),
                FormURLEncoded.Field(name: "NumMedia", value: "2"),
                FormURLEncoded.Field(name: "MediaUrl0", value: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME0"),
                FormURLEncoded.Field(name: "MediaContentType0", value: "image/jpeg"),
                FormURLEncoded.Field(name: "MediaUrl1", value: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"),
                FormURLEncoded.Field(name: "MediaContentType1", value: "application/pdf"),
                FormURLEncoded.Field(name: "FromCity", value: "SAN FRANCISCO"), FormURLEncoded.Field(name: "FromState", value: "CA"),
                FormURLEncoded.Field(name: "SomeFutureParameter", value: "signed too"),
            ])
            #expect(try await client.send(.post, Self.uri, headers: try Self.signed(body), body: body).status == .ok)
            let message = try #require(try await fixture.storedMessages().first)
            #expect(message.text == "")
            #expect(message.attachments == [
                Wire.Attachment(url: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME0", contentType: "image/jpeg"),
                Wire.Attachment(url: "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", contentType: "application/pdf"),
            ])
            #expect(message.channelData["sms.fromCity"] == "SAN FRANCISCO")
            #expect(message.channelData["sms.fromState"] == "CA")
            #expect(message.channelData["sms.fromCountry"] == nil)
        }
    }

    /// Twilio posts one message per request: the batch is many deliveries at once, a retry among them.
    @Test func concurrentDeliveriesAreEachStoredOnce() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let body = Self.form(sid: "SM-batch-\(index % 30)", body: "message \(index % 30)")
                        return try await client.send(.post, Self.uri, headers: try Self.signed(body), body: body).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0 == .ok })
            let stored = try await fixture.storedMessages()
            #expect(Set(stored.map(\.providerMessageID)) == Set((0..<30).map { "SM-batch-\($0)" }))
            #expect(stored.count == 30)
        }
    }

    @Test func aSignedMessageWithAnIDTheRouterWouldRefuseIs400AndStoresNothing() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            // Signed by the provider, but its id is longer than the wire allows: stored, it would
            // be resent to the router forever.
            let body = Self.form(sid: "SM" + String(repeating: "1", count: WireCodec.maximumIDBytes))
            let answer = try await client.send(.post, Self.uri, headers: try Self.signed(body), body: body)
            #expect(answer.status == .badRequest)
            #expect(answer.body.contains("provider_message_id"))
            #expect(try await fixture.store.allRows().isEmpty)
            let accepted = Self.form(sid: "SM" + String(repeating: "1", count: WireCodec.maximumIDBytes - 2))
            #expect(try await client.send(.post, Self.uri, headers: try Self.signed(accepted), body: accepted).status == .ok)
        }
    }

    @Test func anUnknownNumberIs404() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let body = Self.form(sid: "SM-x").replacingOccurrences(of: "%2B15550002222", with: "%2B15559999999")
            let answer = try await client.send(.post, Self.uri, headers: try Self.signed(body), body: body)
            #expect(answer.status == .notFound)
            #expect(answer.body.contains("no sms channel has the number"))
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test(arguments: [
        ("MessageSid=SM1&From=%2B15550001111&To=%2B15550002222&Body=%zz", "malformed field"),
        ("From=%2B15550001111&To=%2B15550002222&Body=hi", "MessageSid is required"),
        ("MessageSid=SM1&To=%2B15550002222&Body=hi", "From is required"),
        ("MessageSid=SM1&From=%2B15550001111&Body=hi", "To is required"),
    ])
    func aMalformedFormIs400(_ body: String, _ reason: String) async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            // Signed where it can be (a body that does not decode cannot be signed).
            let headers = (try? Self.signed(body)) ?? Self.headers(signature: "c29tZXRoaW5n")
            let answer = try await client.send(.post, Self.uri, headers: headers, body: body)
            #expect(answer.status == .badRequest)
            #expect(answer.body.contains(reason), "\(answer.body)")
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aNonFormContentTypeIs415() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            var headers = Self.headers(signature: TwilioSignatureTests.expected)
            headers[.contentType] = "application/json"
            let answer = try await client.send(.post, Self.uri, headers: headers, body: TwilioSignatureTests.body)
            #expect(answer.status == .unsupportedMediaType)
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aMissingAuthTokenStopsTheStartNamingVariableAndChannel() throws {
        let configuration = try ProviderTestConfiguration.make()
        let error = #expect(throws: IngressError.self) { try SMSChannelAdapter(configuration: configuration, environment: [:]) }
        #expect(error?.code == .missingSecret)
        #expect(error?.message.contains("TWILIO_AUTH_TOKEN") == true)
        #expect(error?.message.contains("authToken of channel sms-us") == true)
    }
}
