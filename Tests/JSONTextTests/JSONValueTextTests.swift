import Foundation
import Testing

import JSONText

/// `JSONValue.text` is written by hand (decisions §21); it must say what JSONEncoder says.
@Suite struct JSONValueTextTests {
    private static func encoderText(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test(arguments: [
        JSONValue.object([
            "type": "offer", "offerId": "o-1", "conversation": .object(["id": "c/1", "queue": "support", "sequence": .integer(42)]),
            "expiresAt": "2026-11-25T22:00:00.000Z", "accepted": .bool(true), "note": .null,
            "items": .array([.integer(-3), .number(2.5), .number(7), "é ☎ 😀"]),
        ]),
        JSONValue.string("quote \" backslash \\ slash / newline \n tab \t return \r bell \u{07} nul \u{00} del \u{7F}"),
        // Longer than a string kept inline (15 bytes), with and without escapes; short with one.
        JSONValue.string("a conversation id longer than fifteen bytes"),
        JSONValue.string("\"q\""),
        JSONValue.array([]),
        JSONValue.object([:]),
        JSONValue.number(-0.125),
        JSONValue.integer(Int64.min),
    ])
    func matchesJSONEncoder(_ value: JSONValue) throws {
        #expect(value.text == (try Self.encoderText(value)))
    }

    @Test func keysAreSorted() {
        let value: JSONValue = ["b": .integer(2), "a": .integer(1), "aa": .integer(3), "B": .integer(0)]
        #expect(value.text == #"{"B":0,"a":1,"aa":3,"b":2}"#)
    }

    @Test func numbersJSONCannotCarryBecomeNull() {
        #expect(JSONValue.array([.number(.nan), .number(.infinity)]).text == "[null,null]")
    }
}

/// `JSONValue` read back from its own text by `JSONReader` (presence's stored frames for absent agents).
@Suite struct JSONValueDecodingTests {
    @Test func aFrameReadBackFromItsTextIsTheSameValue() throws {
        let frame: JSONValue = [
            "type": "replyResult", "requestId": .null, "clientMessageId": "r1", "outcome": "accepted",
            "sequence": .integer(42), "score": .number(2.5), "ok": .bool(true), "items": .array([.integer(-3), "é ☎ 😀", .object([:])]),
        ]
        let decoded = try JSONReader.read(frame.text)
        #expect(decoded == frame)
        #expect(decoded.text == frame.text)
    }
}
