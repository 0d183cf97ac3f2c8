import Testing

@testable import Ingress

/// The adapters' JSON values keep every kind apart.
@Suite struct JSONValueDecodingTests {
    @Test func everyKindDecodesAsItself() throws {
        let text = #"{"s":"text","t":true,"f":false,"i":1,"d":1.5,"n":null,"e":"","o":{"k":["a",2,{"x":null}]},"a":[]}"#
        let value = try JSONValue.decode(text.utf8)
        let expected: JSONValue = .object([
            "s": .string("text"), "t": .bool(true), "f": .bool(false), "i": .number(1), "d": .number(1.5), "n": .null,
            "e": .string(""), "o": .object(["k": .array([.string("a"), .number(2), .object(["x": .null])])]), "a": .array([]),
        ])
        #expect(value == expected)
    }

    @Test func aNumberIsNeverReadAsABooleanNorAQuotedNumberAsANumber() throws {
        let value = try JSONValue.decode(#"[0,1,"1","true"]"#.utf8)
        #expect(value == .array([.number(0), .number(1), .string("1"), .string("true")]))
    }

    @Test func malformedJSONStillFails() {
        #expect(throws: JSONValue.DecodingFailure.malformed) { try JSONValue.decode(#"{"a": [1, }"#.utf8) }
    }

    /// A deep nest is refused: decoding 512 nested arrays with JSONDecoder took 0.5 s of CPU,
    /// for 1 KB of text (decisions §52).
    @Test func aDocumentNestedDeeperThanTheLimitIsRefused() throws {
        func nested(_ depth: Int, arrays: Bool) -> String {
            var text = "1"
            for _ in 0..<depth { text = arrays ? "[\(text)]" : #"{"a":\#(text)}"# }
            return text
        }
        let limit = JSONValue.maximumDepth
        for arrays in [true, false] {
            #expect(try JSONValue.decode(nested(limit, arrays: arrays).utf8) != .null)
            #expect(throws: JSONValue.DecodingFailure.nestedTooDeep) { try JSONValue.decode(nested(limit + 1, arrays: arrays).utf8) }
            #expect(throws: JSONValue.DecodingFailure.nestedTooDeep) { try JSONValue.decode(nested(512, arrays: arrays).utf8) }
        }
        #expect(throws: JSONValue.DecodingFailure.malformed) { try JSONValue.decode(#"{"a": [1, }"#.utf8) }
    }

    @Test func bracketsInsideStringsAreNotNesting() throws {
        let brackets = String(repeating: "[{", count: 40)
        let text = #"{"a":"\#(brackets)","b":"\"\#(brackets)\\","c":[1]}"#
        let value = try JSONValue.decode(text.utf8)
        #expect(value == .object(["a": .string(brackets), "b": .string("\"" + brackets + "\\"), "c": .array([.number(1)])]))
    }
}
