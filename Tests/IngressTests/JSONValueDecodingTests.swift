import Foundation
import Testing

@testable import Ingress

/// The adapters' JSON values keep every kind apart, whatever order the decoder probes them in.
@Suite struct JSONValueDecodingTests {
    @Test func everyKindDecodesAsItself() throws {
        let text = #"{"s":"text","t":true,"f":false,"i":1,"d":1.5,"n":null,"e":"","o":{"k":["a",2,{"x":null}]},"a":[]}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        let expected: JSONValue = .object([
            "s": .string("text"), "t": .bool(true), "f": .bool(false), "i": .number(1), "d": .number(1.5), "n": .null,
            "e": .string(""), "o": .object(["k": .array([.string("a"), .number(2), .object(["x": .null])])]), "a": .array([]),
        ])
        #expect(value == expected)
    }

    @Test func aNumberIsNeverReadAsABooleanNorAQuotedNumberAsANumber() throws {
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(#"[0,1,"1","true"]"#.utf8))
        #expect(value == .array([.number(0), .number(1), .string("1"), .string("true")]))
    }

    @Test func malformedJSONStillFails() {
        #expect(throws: (any Error).self) { try JSONDecoder().decode(JSONValue.self, from: Data(#"{"a": [1, }"#.utf8)) }
    }
}
