import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Testing
import Wire

@testable import Ingress

/// X Account Activity webhooks through the whole HTTP pipeline, each answer checked against the outbox.
@Suite struct TwitterChannelHTTPTests {
    static let uri = "/channels/twitter/x-support"
    static let customer = "7000000000000000001"

    static func adapter(secondXChannel: Bool = false) throws -> TwitterChannelAdapter {
        try TwitterChannelAdapter(
            configuration: try ProviderTestConfiguration.make(secondXChannel: secondXChannel),
            environment: ProviderTestConfiguration.environment)
    }

    static func signed(_ body: String, secret: String = ProviderTestConfiguration.xConsumerSecret) -> HTTPFields {
        headers(signature: XWebhookSignature(consumerSecret: Array(secret.utf8)).sign(body: Array(body.utf8)))
    }

    static func headers(signature: String?) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let signature, let name = HTTPField.Name(XWebhookSignature.header) { headers[name] = signature }
        return headers
    }

    static func event(id: String, sender: String = customer, text: String = "Hello", timestamp: String = "1717000000123", extra: String = "") -> String {
        #"{"type":"message_create","id":"\#(id)","created_timestamp":"\#(timestamp)","message_create":{"target":{"recipient_id":"\#(ProviderTestConfiguration.ourXAccount)"},"sender_id":"\#(sender)","message_data":{"text":"\#(text)","entities":{"hashtags":[],"symbols":[],"user_mentions":[],"urls":[]}\#(extra)}}}"#
    }

    static func payload(_ events: [String], forUser: String = ProviderTestConfiguration.ourXAccount) -> String {
        #"{"for_user_id":"\#(forUser)","direct_message_events":[\#(events.joined(separator: ","))],"users":{"\#(customer)":{"id":"\#(customer)","created_timestamp":"1500000000000","name":"Ada Example","screen_name":"ada_example","protected":false,"verified":false,"followers_count":3,"friends_count":5,"statuses_count":7},"\#(ProviderTestConfiguration.ourXAccount)":{"id":"\#(ProviderTestConfiguration.ourXAccount)","name":"Northwind Help","screen_name":"northwind_help"}}}"#
    }

    @Test func theCRCKnownAnswerIsServed() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let answer = try await client.send(.get, Self.uri + "?crc_token=crc-token-0001&nonce=abc")
            #expect(answer.status == .ok)
            #expect(answer.contentType == "application/json")
            #expect(answer.body == #"{"response_token":"sha256=gqsoxLXO52D1K3r9cSeUgMzlpQBApI6Yqq4Z1Hd2QQo="}"# + "\n")
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aCRCWithoutTokenIs400AndAnUnknownChannelIs404() async throws {
        try await AdapterFixture.with(try Self.adapter()) { _, client in
            let missing = try await client.send(.get, Self.uri)
            #expect(missing.status == .badRequest)
            #expect(missing.body.contains("crc_token query parameter is required"))
            #expect(try await client.send(.get, Self.uri + "?crc_token=").status == .badRequest)
            let unknown = try await client.send(.get, "/channels/twitter/nope?crc_token=crc-token-0001")
            #expect(unknown.status == .notFound)
            #expect(unknown.body.contains("no twitter channel"))
        }
    }

    @Test func aSignedDirectMessageIsStoredWithItsSender() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let body = Self.payload([Self.event(id: "1800000000000000001", text: "Hi, where is my parcel?")])
            let answer = try await client.send(.post, Self.uri, headers: Self.signed(body), body: body)
            #expect(answer.status == .ok)
            #expect(answer.body == #"{"status":"accepted"}"# + "\n")

            let message = try #require(try await fixture.storedMessages().first)
            #expect(message.channelInstanceID == "x-support")
            #expect(message.channelType == "twitter")
            #expect(message.providerMessageID == "1800000000000000001")
            #expect(message.customerAddress == Self.customer)
            #expect(message.customerDisplayName == "Ada Example")
            #expect(message.text == "Hi, where is my parcel?")
            #expect(message.providerTimestampMs == 1_717_000_000_123)
            #expect(message.channelData == [
                "channel.id": "x-support", "channel.type": "twitter", "customer.address": Self.customer,
                "customer.displayName": "Ada Example", "twitter.accountId": ProviderTestConfiguration.ourXAccount,
                "twitter.screenName": "ada_example",
            ])
        }
    }

    @Test func everyEventOfABatchIsStoredInOrderAndEchoesAreDropped() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let body = Self.payload([
                Self.event(id: "e-1", text: "first"),
                Self.event(id: "e-echo", sender: ProviderTestConfiguration.ourXAccount, text: "our own reply"),
                #"{"type":"some_future_event","id":"e-future"}"#,
                Self.event(id: "e-2", text: "second"),
                Self.event(id: "e-1", text: "first again in the same POST"),
                Self.event(id: "e-3", text: "third"),
            ])
            #expect(try await client.send(.post, Self.uri, headers: Self.signed(body), body: body).status == .ok)
            let stored = try await fixture.storedMessages()
            #expect(stored.map(\.providerMessageID) == ["e-1", "e-2", "e-3"])
            #expect(stored.map(\.text) == ["first", "second", "third"])
        }
    }

    @Test func anEchoOnlyPayloadAndOtherEventKindsAreAnswered200WithNothingStored() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let echo = Self.payload([Self.event(id: "e-echo", sender: ProviderTestConfiguration.ourXAccount)])
            let typing = #"{"for_user_id":"\#(ProviderTestConfiguration.ourXAccount)","direct_message_indicate_typing_events":[{"created_timestamp":"1717000000000","sender_id":"\#(Self.customer)","target":{"recipient_id":"1"}}]}"#
            let tweet = #"{"for_user_id":"\#(ProviderTestConfiguration.ourXAccount)","tweet_create_events":[{"id_str":"1","text":"@northwind_help hi","user":{"id_str":"\#(Self.customer)"}}]}"#
            for body in [echo, typing, tweet] {
                let answer = try await client.send(.post, Self.uri, headers: Self.signed(body), body: body)
                #expect(answer.status == .ok)
                #expect(answer.body.contains(#""status":"ignored""#))
            }
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func aDuplicateDeliveryIsAnswered200AndStoredOnce() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let body = Self.payload([Self.event(id: "e-dup")])
            _ = try await client.send(.post, Self.uri, headers: Self.signed(body), body: body)
            let again = try await client.send(.post, Self.uri, headers: Self.signed(body), body: body)
            #expect(again.status == .ok)
            #expect(try await fixture.store.allRows().count == 1)
            #expect(try await client.send(.get, "/metrics").body.contains(#"switchboard_ingress_duplicates_total{channel_type="twitter"} 1"#))
        }
    }

    @Test func aTamperedBodyAMissingHeaderAndAWrongSecretAre403() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let body = Self.payload([Self.event(id: "e-forged")])
            let tampered = try await client.send(
                .post, Self.uri, headers: Self.signed(body), body: body.replacingOccurrences(of: "Hello", with: "Hellp"))
            #expect(tampered.status == .forbidden)
            #expect(tampered.body.contains("signature does not match"))
            let missing = try await client.send(.post, Self.uri, headers: Self.headers(signature: nil), body: body)
            #expect(missing.status == .forbidden)
            #expect(missing.body.contains("missing x-twitter-webhooks-signature header"))
            let wrong = try await client.send(.post, Self.uri, headers: Self.signed(body, secret: "another-secret"), body: body)
            #expect(wrong.status == .forbidden)
            // Meta's hex encoding is not X's Base64.
            let hex = "sha256=" + HMACSignature.hexSHA256(key: Array(ProviderTestConfiguration.xConsumerSecret.utf8), message: Array(body.utf8))
            #expect(try await client.send(.post, Self.uri, headers: Self.headers(signature: hex), body: body).status == .forbidden)
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func eventsForAnotherAccountOfTheAppGoToItsChannelAndUnknownAccountsAreDropped() async throws {
        try await AdapterFixture.with(try Self.adapter(secondXChannel: true)) { fixture, client in
            let second = Self.payload([Self.event(id: "e-second")], forUser: ProviderTestConfiguration.secondXAccount)
            #expect(try await client.send(.post, Self.uri, headers: Self.signed(second), body: second).status == .ok)
            let unknown = Self.payload([Self.event(id: "e-unknown")], forUser: "42")
            let answer = try await client.send(.post, Self.uri, headers: Self.signed(unknown), body: unknown)
            #expect(answer.status == .ok)
            #expect(answer.body.contains("is not the account of a channel of this app"))
            let stored = try await fixture.storedMessages()
            #expect(stored.map(\.providerMessageID) == ["e-second"])
            #expect(stored.first?.channelInstanceID == "x-second")
            #expect(stored.first?.channelData["twitter.accountId"] == ProviderTestConfiguration.secondXAccount)
        }
    }

    @Test func mediaBecomeAttachments() async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let photo = #","attachment":{"type":"media","media":{"id_str":"1","media_url_https":"https://ton.twitter.com/1.1/ton/data/dm/1/2/photo.jpg","type":"photo"}}"#
            let video = #","attachment":{"type":"media","media":{"media_url_https":"https://pbs.twimg.com/thumb.jpg","type":"video","video_info":{"variants":[{"bitrate":256000,"content_type":"video/mp4","url":"https://video.twimg.com/low.mp4"},{"content_type":"application/x-mpegURL","url":"https://video.twimg.com/pl.m3u8"},{"bitrate":832000,"content_type":"video/mp4","url":"https://video.twimg.com/high.mp4"}]}}}"#
            let body = Self.payload([Self.event(id: "m-photo", extra: photo), Self.event(id: "m-video", extra: video)])
            #expect(try await client.send(.post, Self.uri, headers: Self.signed(body), body: body).status == .ok)
            let stored = try await fixture.storedMessages()
            #expect(stored.map(\.attachments) == [
                [Wire.Attachment(url: "https://ton.twitter.com/1.1/ton/data/dm/1/2/photo.jpg")],
                [Wire.Attachment(url: "https://video.twimg.com/high.mp4", contentType: "video/mp4")],
            ])
        }
    }

    @Test(arguments: [
        ("not json", "body is not valid JSON"),
        (#"{"direct_message_events":[]}"#, "for_user_id is required"),
        (#"{"for_user_id":7}"#, "for_user_id has the wrong type"),
        (#"{"for_user_id":"1500000000000000001","direct_message_events":[{"type":"message_create","message_create":{"sender_id":"7"}}]}"#, "direct_message_events[0].id is required"),
        (#"{"for_user_id":"1500000000000000001","direct_message_events":[{"type":"message_create","id":"1"}]}"#, "message_create.sender_id is required"),
        (#"{"for_user_id":"1500000000000000001","direct_message_events":{"type":"message_create"}}"#, "direct_message_events has the wrong type"),
    ])
    func aMalformedSignedBodyIs400(_ body: String, _ reason: String) async throws {
        try await AdapterFixture.with(try Self.adapter()) { fixture, client in
            let answer = try await client.send(.post, Self.uri, headers: Self.signed(body), body: body)
            #expect(answer.status == .badRequest)
            #expect(answer.body.contains(reason), "\(answer.body)")
            #expect(try await fixture.store.allRows().isEmpty)
        }
    }

    @Test func missingSecretsStopTheStartNamingVariableAndChannel() throws {
        let configuration = try ProviderTestConfiguration.make()
        let consumer = #expect(throws: IngressError.self) {
            try TwitterChannelAdapter(configuration: configuration, environment: ["X_ACCESS_TOKEN": "t"])
        }
        #expect(consumer?.message.contains("X_CONSUMER_SECRET (consumerSecret of channel x-support)") == true)
        let access = #expect(throws: IngressError.self) {
            try ChannelSecrets.twitterAccessTokens(configuration, environment: ["X_CONSUMER_SECRET": "s"])
        }
        #expect(access?.message.contains("X_ACCESS_TOKEN (accessToken of channel x-support)") == true)
    }
}
