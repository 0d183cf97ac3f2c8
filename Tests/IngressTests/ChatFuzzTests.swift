import Foundation
import HTTPTypes
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSTesting
import HummingbirdWebSocket
import NIOCore
import Testing

@testable import Ingress

/// Thousands of random and mutated frames and requests (issue 6, the fuzz test of each
/// adapter): every frame gets exactly one answer, the socket keeps serving, and only frames
/// answered `ack` are stored. Seeded, so a failure repeats.
@Suite(.timeLimit(.minutes(2))) struct ChatFuzzTests {
    static let answers: Set<String> = ["error", "started", "ack"]
    static let codes: Set<String> = [
        "malformed", "unsupportedFrame", "unknownType", "notStarted", "badAnswer", "badClientMessageId", "emptyMessage", "tooLarge",
    ]

    @Test func thousandsOfMutatedFramesEachGetOneAnswerAndOnlyAcknowledgedMessagesAreStored() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        let acknowledged = Shared<[String]>([])
        _ = try await chat.application.test(.live) { client in
            try await client.ws("/chat/web-chat/ws", configuration: ChatVisitor.client) { inbound, outbound, _ in
                var frames = ChatFrames(inbound)
                try await outbound.send(ChatVisitor.hello)
                _ = try await frames.expect("welcome")
                var random = SeededRandom(seed: 0x5eed_c4a7)
                for round in 0..<3_000 {
                    let frame = Fuzz.frame(&random)
                    switch frame {
                    case .text(let text): try await outbound.send(text: text)
                    case .binary(let bytes): try await outbound.write(.binary(ByteBuffer(bytes: bytes)))
                    }
                    let answer = try #require(try await frames.next(), "round \(round): socket closed after \(frame)")
                    let type = answer["type"] as? String ?? ""
                    #expect(Self.answers.contains(type), "round \(round): \(answer)")
                    if type == "error" { #expect(Self.codes.contains(answer["code"] as? String ?? ""), "round \(round): \(answer)") }
                    if type == "ack", answer["duplicate"] as? Bool == false, let id = answer["clientMessageId"] as? String {
                        acknowledged.value.append(id)
                    }
                }
                // Still serving.
                try await outbound.send(ChatVisitor.start)
                _ = try await frames.expect("started")
                try await outbound.send(ChatVisitor.message("after-the-fuzz"))
                #expect(try await frames.expect("ack")["duplicate"] as? Bool == false)
            }
        }
        let stored = try await chat.storedMessages().compactMap(\.clientMessageID)
        #expect(acknowledged.value.count > 10, "some of the frames were valid messages")
        #expect(stored == acknowledged.value + ["after-the-fuzz"])
    }

    @Test func mutatedHellosOnFreshSocketsAreWelcomedOrRefusedAndClosed() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        _ = try await chat.application.test(.live) { client in
            var random = SeededRandom(seed: 0x4e11_0000)
            for round in 0..<150 {
                let hello = Fuzz.mutate(Fuzz.json(ChatVisitor.hello(token: VisitorToken.random().text)), &random)
                try await client.ws("/chat/web-chat/ws") { inbound, outbound, _ in
                    var frames = ChatFrames(inbound)
                    try await outbound.send(text: hello)
                    let answer = try #require(try await frames.next(), "round \(round): \(hello)")
                    switch answer["type"] as? String {
                    case "welcome":
                        #expect(VisitorToken(answer["visitorToken"] as? String ?? "") != nil)
                    case "error":
                        #expect(["helloRequired", "invalidToken"].contains(answer["code"] as? String), "\(answer)")
                        #expect(try await frames.next() == nil, "closed after a refused hello")
                    default:
                        Issue.record("round \(round): \(answer)")
                    }
                }
            }
        }
        #expect(try await chat.storedMessages().isEmpty)
    }

    @Test func randomRequestsToTheWidgetRoutesNeverGetAServerError() async throws {
        let chat = try ChatFixture()
        defer { chat.remove() }
        try await chat.application.test(.router) { client in
            var random = SeededRandom(seed: 0x0077_7777)
            let methods: [HTTPRequest.Method] = [.get, .post, .put, .delete, .head, .options]
            let suffixes = ["", "/", "/ws", "/widget.js", "/widget.css", "/x", "/ws/extra", "?q=1", "/%00", "/..%2f"]
            for round in 0..<2_000 {
                let channel = random.bool() ? "web-chat" : Fuzz.word(&random)
                let uri = "/chat/\(channel)\(suffixes[random.index(suffixes.count)])"
                var headers = HTTPFields()
                if random.bool() { headers[.origin] = random.bool() ? "https://\(Fuzz.word(&random)).example" : Fuzz.word(&random) }
                if random.bool() { headers[.upgrade] = "websocket" }
                let body = random.bool() ? ByteBuffer(bytes: Fuzz.bytes(&random)) : nil
                let method = methods[random.index(methods.count)]
                try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
                    #expect(response.status.code < 500, "round \(round): \(method) \(uri) → \(response.status)")
                }
            }
            try await client.execute(uri: "/chat/web-chat", method: .get) { response in #expect(response.status == .ok) }
        }
        #expect(try await chat.storedMessages().isEmpty)
    }
}

/// Frames made from the protocol's valid ones by small edits, plus noise.
enum Fuzz {
    enum Frame: CustomStringConvertible {
        case text(String), binary([UInt8])
        var description: String {
            switch self {
            case .text(let text): String(text.prefix(200))
            case .binary(let bytes): "binary \(bytes.count) bytes"
            }
        }
    }

    static func frame(_ random: inout SeededRandom) -> Frame {
        let valid: [[String: Any]] = [
            ChatVisitor.hello, ChatVisitor.start, ChatVisitor.message("m-\(random.index(50))", "text \(random.index(1000))"),
            ["type": "start", "answers": ["orderTotal": random.bool() ? "12.5" : "12,5"]], ["type": "message"],
        ]
        switch random.index(20) {
        case 0: return .binary(bytes(&random))
        case 1: return .text(noise(&random))
        case 2...5: return .text(json(valid[random.index(valid.count)]))
        default: return .text(mutate(json(valid[random.index(valid.count)]), &random))
        }
    }

    static let insertable = Array(#"{}[]":,\ 0a-é"#.unicodeScalars)

    static func mutate(_ text: String, _ random: inout SeededRandom) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0...random.index(3) where !scalars.isEmpty {
            let at = random.index(scalars.count)
            switch random.index(5) {
            case 0: scalars.remove(at: at)
            case 1: scalars.insert(insertable[random.index(insertable.count)], at: at)
            case 2: scalars[at] = Unicode.Scalar(UInt8(32 + random.index(95)))
            case 3: scalars = Array(scalars[..<at])
            default: scalars.insert(contentsOf: scalars[at...].prefix(8), at: at)
            }
        }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }

    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func noise(_ random: inout SeededRandom) -> String {
        var text = ""
        for _ in 0..<random.index(64) {
            text.unicodeScalars.append(Unicode.Scalar(UInt32(random.index(0xD7FF) + 1)) ?? "?")
        }
        return text
    }

    static func bytes(_ random: inout SeededRandom) -> [UInt8] {
        (0..<random.index(256)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    }

    static func word(_ random: inout SeededRandom) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789-_.%")
        return String((0...random.index(12)).map { _ in letters[random.index(letters.count)] })
    }
}

/// SplitMix64: a fixed seed gives the same sequence on every run.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func index(_ count: Int) -> Int { Int(next() % UInt64(max(count, 1))) }
    mutating func bool() -> Bool { next() & 1 == 1 }
}
