import Foundation
import Testing

@testable import Ingress

/// Known-answer vectors from channels.md: exact, computed for invented inputs.
@Suite struct HMACSignatureTests {
    @Test func messengerVectorVerifiesAndATamperedBodyDoesNot() {
        let body = #"{"object":"page","entry":[{"id":"900000000000001","time":1717000000500,"messaging":[{"sender":{"id":"7000000000000001"},"recipient":{"id":"900000000000001"},"timestamp":1717000000123,"message":{"mid":"m_TESTMID0001","text":"Hi, is my order shipped?"}}]}]}"#
        let signature = "c662f52103d73cd749079aaa2b2d315a4ae544f89626739e66e5f0685cef5257"
        let key = Array("fb_app_secret_example_0001".utf8)
        #expect(HMACSignature.isValidHexSHA256(signature, key: key, message: Array(body.utf8)))
        #expect(HMACSignature.isValidHexSHA256(signature.uppercased(), key: key, message: Array(body.utf8)))
        #expect(!HMACSignature.isValidHexSHA256(signature, key: key, message: Array((body + " ").utf8)))
        #expect(!HMACSignature.isValidHexSHA256(signature, key: Array("other".utf8), message: Array(body.utf8)))
        // What a signer writes: the same vector, lower-case hex (hand-written encoding).
        #expect(HMACSignature.hexSHA256(key: key, message: Array(body.utf8)) == signature)
    }

    @Test func whatsAppVectorVerifies() {
        let body = #"{"object":"whatsapp_business_account","entry":[{"id":"100000000000001","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550002222","phone_number_id":"200000000000001"},"contacts":[{"profile":{"name":"Ada Example"},"wa_id":"15550001111"}],"messages":[{"from":"15550001111","id":"wamid.TEST0001","timestamp":"1717000000","type":"text","text":{"body":"Hello, I need a refund"}}]},"field":"messages"}]}]}"#
        #expect(HMACSignature.isValidHexSHA256(
            "d2929fb3db921e9961aab518cff1db5edb2d05f71d365502baa674fe31c0d20e",
            key: Array("wa_app_secret_example_0002".utf8), message: Array(body.utf8)))
    }

    @Test func lineAndXVectorsVerifyInBase64() {
        let body = #"{"destination":"U00000000000000000000000000000001","events":[{"type":"message","message":{"type":"text","id":"500000000000000001","quoteToken":"q-TEST-0001","text":"Hello, is the store open today?"},"webhookEventId":"01HZZZZZZZZZZZZZZZZZZZZZZZ","deliveryContext":{"isRedelivery":false},"timestamp":1717000000123,"source":{"type":"user","userId":"U00000000000000000000000000000002"},"replyToken":"rt-TEST-0001","mode":"active"}]}"#
        #expect(HMACSignature.isValidBase64SHA256(
            "ands90K/K5h5KI4HqjM5gmqAUsE89TV2iT8Iz5oCppw=", key: Array("line_channel_secret_example04".utf8), message: Array(body.utf8)))
        // X's CRC answer is the same construction over the crc_token.
        #expect(HMACSignature.isValidBase64SHA256(
            "gqsoxLXO52D1K3r9cSeUgMzlpQBApI6Yqq4Z1Hd2QQo=", key: Array("x_consumer_secret_example_0003".utf8), message: Array("crc-token-0001".utf8)))
    }

    @Test func malformedSignaturesAreRejectedNotTrapped() {
        let key = Array("k".utf8)
        for bad in ["", "zz", "abc", String(repeating: "g", count: 64), String(repeating: "a", count: 62)] {
            #expect(!HMACSignature.isValidHexSHA256(bad, key: key, message: [1, 2, 3]))
        }
        for bad in ["", "not base64!", "AAAA"] {
            #expect(!HMACSignature.isValidBase64SHA256(bad, key: key, message: [1]))
            #expect(!HMACSignature.isValidBase64SHA1(bad, key: key, message: [1]))
        }
    }
}

@Suite struct CustomChannelSignatureTests {
    let signer = CustomChannelSignature(secret: Array("custom_shared_secret_0005".utf8))
    let body = Array(#"{"messageId":"m-1","customer":{"id":"c-42"},"text":"hello"}"#.utf8)
    let now = Date(timeIntervalSince1970: 1_717_000_000)

    @Test func aSignedRequestIsValidAndTheSignatureCoversTimestampAndBody() {
        let (timestamp, signature) = signer.sign(body: body, now: now)
        #expect(timestamp == "1717000000")
        // Independent of `sign`: hex HMAC-SHA256 over "timestamp.body".
        #expect(signature == "sha256=" + HMACSignature.hexSHA256(key: signer.secret, message: Array("1717000000.".utf8) + body))
        #expect(signer.check(signature: signature, timestamp: timestamp, body: body, now: now) == .valid)
    }

    @Test func aForgedOrTamperedRequestIsRejected() {
        let (timestamp, signature) = signer.sign(body: body, now: now)
        #expect(signer.check(signature: signature, timestamp: timestamp, body: body + [0x20], now: now) == .rejected("signature does not match"))
        #expect(signer.check(signature: signature, timestamp: "1717000001", body: body, now: now) == .rejected("signature does not match"))
        let forged = CustomChannelSignature(secret: Array("guess".utf8)).sign(body: body, now: now).signature
        #expect(signer.check(signature: forged, timestamp: timestamp, body: body, now: now) == .rejected("signature does not match"))
    }

    @Test func aStaleTimestampIsRejectedEvenWithAValidSignature() {
        let (timestamp, signature) = signer.sign(body: body, now: now)
        #expect(signer.check(signature: signature, timestamp: timestamp, body: body, now: now + 300).isValid)
        let late = signer.check(signature: signature, timestamp: timestamp, body: body, now: now + 301)
        #expect(late == .rejected("X-Switchboard-Timestamp is 301 s away from now (more than 300 s): stale or replayed"))
        #expect(!signer.check(signature: signature, timestamp: timestamp, body: body, now: now - 301).isValid)
    }

    @Test func missingOrMalformedHeadersAreRejectedWithTheirReason() {
        let (timestamp, signature) = signer.sign(body: body, now: now)
        #expect(signer.check(signature: nil, timestamp: timestamp, body: body, now: now) == .rejected("missing X-Switchboard-Signature header"))
        #expect(signer.check(signature: signature, timestamp: nil, body: body, now: now) == .rejected("missing X-Switchboard-Timestamp header"))
        #expect(signer.check(signature: signature, timestamp: "yesterday", body: body, now: now)
            == .rejected("X-Switchboard-Timestamp must be Unix seconds, got \"yesterday\""))
        #expect(signer.check(signature: String(signature.dropFirst(7)), timestamp: timestamp, body: body, now: now)
            == .rejected("X-Switchboard-Signature must start with sha256="))
    }
}
