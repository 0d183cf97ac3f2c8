import Foundation
import HTTPTypes
import Testing

@testable import Ingress

/// `RawRequest.hasMediaType` compares bytes (ASCII case-insensitive), parameters and the
/// whitespace around the type aside.
@Suite struct MediaTypeTests {
    private static func request(contentType: String?) -> RawRequest {
        var headers = HTTPFields()
        if let contentType { headers[.contentType] = contentType }
        return RawRequest(method: .post, uri: "/", headers: headers, parameters: [:], body: [], receivedAt: Date())
    }

    @Test(arguments: ["application/json", "application/json; charset=utf-8", " Application/JSON ", "application/json\t;x=1", "APPLICATION/JSON;"])
    func namesTheType(_ contentType: String) {
        #expect(Self.request(contentType: contentType).hasMediaType("application/json"))
    }

    @Test(arguments: ["application/jsonx", "application/jso", "text/plain", "", ";application/json", "application/json-patch+json"])
    func namesAnotherType(_ contentType: String) {
        #expect(!Self.request(contentType: contentType).hasMediaType("application/json"))
    }

    @Test func noHeaderIsNoMatch() {
        #expect(!Self.request(contentType: nil).hasMediaType("application/json"))
    }
}
