import Foundation

/// The chat protocol's page → server frames (docs/channels/chat.md), valid and mutated.
enum ChatFrames {
    enum Frame {
        case text(String), binary([UInt8])
    }

    static let hello = #"{"type":"hello","pageUrl":"https://www.northwind.example/cart?id=7","locale":"en-GB"}"#
    static let start = #"{"type":"start","name":"Ada Example","email":"ada@example.com","answers":{"customerTier":"gold","orderTotal":"120.5","topic":"invoice"}}"#

    static func message(_ id: String, _ text: String = "Where is my order?") -> String {
        String(decoding: JSONTree.object([
            JSONTree.Member("type", .string("message")), JSONTree.Member("clientMessageId", .string(id)), JSONTree.Member("text", .string(text)),
        ]).bytes, as: UTF8.self)
    }

    /// A frame after `hello`: mostly valid messages (new ids, and some repeated), and every
    /// kind of mutation of the valid frames.
    static func frame(_ random: inout SplitMix64, messageNumber: Int) -> Frame {
        let valid = [
            message("m-\(messageNumber)", "text \(random.index(1000))"), message("m-\(random.index(messageNumber + 1))"), start,
            #"{"type":"start","answers":{"orderTotal":"12,5"}}"#, #"{"type":"message"}"#, hello,
        ]
        switch random.index(40) {
        case 0: return .binary(random.bytes(random.index(256)))
        case 1: return .text(noise(&random))
        case 2..<16: return .text(valid[random.index(3)])
        case 16..<28: return .text(text(JSONMutator.mutate(Array(random.pick(valid).utf8), &random)))
        default: return .text(text(ByteMutator.mutate(Array(random.pick(valid).utf8), splicing: Array(random.pick(valid).utf8), &random)))
        }
    }

    /// A text frame's payload is UTF-8: bytes that are not become U+FFFD, as a browser would send.
    static func text(_ bytes: [UInt8]) -> String {
        // Frames over the 64 KiB limit close the socket (1009): that is the caller's rare
        // last frame, so this one stays below it even when every byte became U+FFFD.
        var text = String(decoding: bytes.prefix(60_000), as: UTF8.self)
        while text.utf8.count > 60_000 { text = String(text.prefix(text.count / 2)) }
        return text
    }

    static func noise(_ random: inout SplitMix64) -> String {
        var text = ""
        for _ in 0..<random.index(64) {
            text.unicodeScalars.append(Unicode.Scalar(UInt32(random.index(0xD7FF) + 1)) ?? "?")
        }
        return text
    }
}
