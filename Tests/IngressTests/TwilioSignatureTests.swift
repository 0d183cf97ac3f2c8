import Foundation
import SwitchboardCore
import Testing

@testable import Ingress

/// Twilio's signature and the form decoding it rests on, against channels.md's known-answer vector.
@Suite struct TwilioSignatureTests {
    static let token = Array(ProviderTestConfiguration.twilioAuthToken.utf8)
    static let url = "https://ingress.example.test/channels/sms/twilio"
    static let body = "ToCountry=US&ToState=CA&SmsMessageSid=SM11111111111111111111111111111111&NumMedia=0&ToCity=&FromZip=&SmsSid=SM11111111111111111111111111111111&FromState=&SmsStatus=received&FromCity=&Body=Hi%2C+I+need+help+with+order+%234521&FromCountry=US&To=%2B15550002222&ToZip=&NumSegments=1&MessageSid=SM11111111111111111111111111111111&AccountSid=AC00000000000000000000000000000001&From=%2B15550001111&ApiVersion=2010-04-01"
    static let expected = "EyL1s6/K6As/RsYINIufYQ0ss5E="

    static func fields(_ body: String) throws -> [FormURLEncoded.Field] {
        try FormURLEncoded.decode(Array(body.utf8)).get()
    }

    static func signature(_ publicURL: String = url) throws -> TwilioSignature {
        TwilioSignature(authToken: token, publicURL: try #require(HTTPURL(publicURL)))
    }

    @Test func theKnownAnswerVectorIsAccepted() throws {
        let signature = try Self.signature()
        #expect(signature.sign(url: Self.url, parameters: try Self.fields(Self.body)) == Self.expected)
        #expect(signature.check(signature: Self.expected, parameters: try Self.fields(Self.body)) == .valid)
    }

    @Test func aTamperedBodyIsRejected() throws {
        let tampered = Self.body.replacingOccurrences(of: "%234521&", with: "%234521!&")
        let signature = try Self.signature()
        #expect(signature.check(signature: Self.expected, parameters: try Self.fields(tampered)) == .rejected("signature does not match"))
        // channels.md gives the tampered body's own signature too.
        #expect(signature.sign(url: Self.url, parameters: try Self.fields(tampered)) == "FoVHI+xEv/ILAK7adnqL+JWmAdY=")
    }

    @Test func aMissingHeaderOrAWrongSecretIsRejected() throws {
        let fields = try Self.fields(Self.body)
        #expect(try Self.signature().check(signature: nil, parameters: fields) == .rejected("missing X-Twilio-Signature header"))
        #expect(try Self.signature().check(signature: "", parameters: fields) == .rejected("missing X-Twilio-Signature header"))
        let other = TwilioSignature(authToken: Array("another-token".utf8), publicURL: try #require(HTTPURL(Self.url)))
        #expect(other.check(signature: Self.expected, parameters: fields) == .rejected("signature does not match"))
        #expect(try Self.signature().check(signature: "not base64!", parameters: fields) == .rejected("signature does not match"))
    }

    @Test func theURLIsSignedWithAndWithoutTheDefaultPort() throws {
        let fields = try Self.fields(Self.body)
        // Configured without a port: Twilio may sign with :443 written out.
        let withPort = try Self.signature().sign(url: "https://ingress.example.test:443/channels/sms/twilio", parameters: fields)
        #expect(try Self.signature().check(signature: withPort, parameters: fields) == .valid)
        // Configured with :443: Twilio may sign without it (the vector's own signature).
        let configuredWithPort = try Self.signature("https://ingress.example.test:443/channels/sms/twilio")
        #expect(configuredWithPort.check(signature: Self.expected, parameters: fields) == .valid)
        #expect(configuredWithPort.check(signature: withPort, parameters: fields) == .valid)
        // Another port or scheme is another URL.
        let otherPort = try Self.signature().sign(url: "https://ingress.example.test:8443/channels/sms/twilio", parameters: fields)
        #expect(try Self.signature().check(signature: otherPort, parameters: fields) == .rejected("signature does not match"))
        let httpDefault = try Self.signature().sign(url: "https://ingress.example.test:80/channels/sms/twilio", parameters: fields)
        #expect(try Self.signature().check(signature: httpDefault, parameters: fields) == .rejected("signature does not match"))
    }

    @Test func urlFormsCoverEachConfiguredShape() throws {
        let forms = { (text: String) throws -> [String] in TwilioSignature.urlForms(try #require(HTTPURL(text))) }
        #expect(try forms("https://a.example/x?y=1") == ["https://a.example/x?y=1", "https://a.example:443/x?y=1"])
        #expect(try forms("http://a.example:80/x") == ["http://a.example:80/x", "http://a.example/x"])
        #expect(try forms("http://a.example") == ["http://a.example", "http://a.example:80"])
        #expect(try forms("https://[::1]:443/sms") == ["https://[::1]:443/sms", "https://[::1]/sms"])
        #expect(try forms("https://a.example:8443/x") == ["https://a.example:8443/x"])
    }

    @Test func parametersAreSortedByUTF8BytesAndEmptyValuesKeepTheirName() {
        let fields = [
            FormURLEncoded.Field(name: "b", value: "2"), FormURLEncoded.Field(name: "Z", value: ""),
            FormURLEncoded.Field(name: "é", value: "x"), FormURLEncoded.Field(name: "a", value: "1"),
            FormURLEncoded.Field(name: "a", value: "0"),
        ]
        let bytes = TwilioSignature.signedBytes(url: "U", sorted: TwilioSignature.sortedForSigning(fields))
        // Upper case before lower case, non-ASCII last (byte order, not a locale's).
        #expect(String(decoding: bytes, as: UTF8.self) == "UZa0a1b2éx")
    }

    @Test func formDecodingHandlesEscapesPlusAndBareNames() throws {
        let fields = try Self.fields("a=x+y%2Bz&&b&c=&%C3%A9=%E2%82%AC&")
        #expect(fields == [
            FormURLEncoded.Field(name: "a", value: "x y+z"), FormURLEncoded.Field(name: "b", value: ""),
            FormURLEncoded.Field(name: "c", value: ""), FormURLEncoded.Field(name: "é", value: "€"),
        ])
        #expect(try Self.fields("") == [])
    }

    @Test(arguments: ["a=%", "a=%4", "a=%zz", "a=%FF", "%C3=1", "a=%C3%28"])
    func malformedFormBodiesAreRefused(_ body: String) {
        #expect(throws: FormURLEncoded.DecodingFailure.self) { try FormURLEncoded.decode(Array(body.utf8)).get() }
    }

    @Test func formEncodingRoundTrips() throws {
        let fields = [
            FormURLEncoded.Field(name: "To", value: "+15550001111"), FormURLEncoded.Field(name: "Body", value: "Hi & welcome, 100% €"),
        ]
        let encoded = FormURLEncoded.encode(fields)
        #expect(encoded == "To=%2B15550001111&Body=Hi+%26+welcome%2C+100%25+%E2%82%AC")
        #expect(try Self.fields(encoded) == fields)
    }
}
