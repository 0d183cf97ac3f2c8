import Testing

@testable import Ingress

/// `MetaSignature` against the known-answer vectors of channels.md (exact bytes).
@Suite struct MetaSignatureTests {
    static let vectors = [
        (MetaVectors.messengerBody, MetaVectors.messengerSecret, MetaVectors.messengerSignature),
        (MetaVectors.whatsAppBody, MetaVectors.whatsAppSecret, MetaVectors.whatsAppSignature),
    ]

    @Test func theVectorsAreSignedAndVerifiedExactly() {
        for (body, secret, signature) in Self.vectors {
            let bytes = Array(body.utf8)
            #expect(MetaSignature.sign(body: bytes, secret: Array(secret.utf8)) == signature)
            #expect(MetaSignature.check(signature, body: bytes, secret: Array(secret.utf8)) == .valid)
            // Upper-case hex is the same signature.
            #expect(MetaSignature.check("sha256=" + signature.dropFirst(7).uppercased(), body: bytes, secret: Array(secret.utf8)) == .valid)
        }
    }

    @Test func aTamperedBodyAWrongSecretOrABadHeaderIsRejected() {
        let (body, secret, signature) = Self.vectors[0]
        let key = Array(secret.utf8)
        #expect(MetaSignature.check(signature, body: Array((body + "\n").utf8), secret: key) == .rejected("signature does not match"))
        #expect(MetaSignature.check(signature, body: Array(body.utf8), secret: Array("fb_app_secret_example_0002".utf8))
            == .rejected("signature does not match"))
        #expect(MetaSignature.check(nil, body: Array(body.utf8), secret: key) == .rejected("missing X-Hub-Signature-256 header"))
        #expect(MetaSignature.check("", body: Array(body.utf8), secret: key) == .rejected("missing X-Hub-Signature-256 header"))
        #expect(MetaSignature.check(String(signature.dropFirst(7)), body: Array(body.utf8), secret: key)
            == .rejected("X-Hub-Signature-256 must start with sha256="))
        #expect(MetaSignature.check("sha256=" + signature.dropFirst(8), body: Array(body.utf8), secret: key) == .rejected("signature does not match"))
    }

    @Test func verifyTokensCompareWholeValues() {
        #expect(ConstantTime.equal(Array("fb-verify-token".utf8), Array("fb-verify-token".utf8)))
        #expect(!ConstantTime.equal(Array("fb-verify-token".utf8), Array("fb-verify-tokeN".utf8)))
        #expect(!ConstantTime.equal(Array("fb-verify-token".utf8), Array("fb-verify".utf8)))
        #expect(!ConstantTime.equal([UInt8](), Array("x".utf8)))
        #expect(ConstantTime.equal([UInt8](), [UInt8]()))
    }
}
