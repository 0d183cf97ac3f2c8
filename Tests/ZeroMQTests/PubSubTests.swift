import SwitchboardTestSupport
import Testing

@testable import ZeroMQ

@Suite("PUB/SUB")
struct PubSubTests {
    @Test("a SUB receives only topics matching its prefix", arguments: Transport.allCases)
    func prefixFilter(transport: Transport) async throws {
        try await withEventLoop { loop in
            let (publisher, endpoint) = try await makeBound(.pub, on: loop, transport: transport)
            defer { Transport.cleanUp(endpoint) }
            let subscriber = try await loop.makeSocket(.sub) {
                try $0.subscribe("agent.")
                try $0.connect(endpoint)
            }
            // Slow joiner: publish until the subscription has reached the publisher.
            let first = try await sendUntilReceived(["agent.hello"], from: publisher, to: subscriber)
            #expect(first.strings == ["agent.hello"])

            for index in 0..<50 {
                try await publisher.send(Multipart(strings: "queue.\(index)", "not for us"))
                try await publisher.send(Multipart(strings: "agent.\(index)", "seq", "\(index)"))
            }
            try await publisher.send(["agent.end"])

            var topics: [String] = []
            for try await message in subscriber.messages {
                let topic = message.strings[0]
                if topic == "agent.end" { break }
                if topic == "agent.hello" { continue }  // extra slow-joiner probes
                topics.append(topic)
                #expect(message.strings == [topic, "seq", String(topic.dropFirst("agent.".count))])
            }
            #expect(topics == (0..<50).map { "agent.\($0)" })
            await subscriber.close()
            await publisher.close()
        }
    }

    @Test("unsubscribing stops delivery of that prefix")
    func unsubscribe() async throws {
        try await withEventLoop { loop in
            let (publisher, endpoint) = try await makeBound(.pub, on: loop, transport: .inproc)
            let subscriber = try await loop.makeSocket(.sub) {
                try $0.subscribe("a")
                try $0.subscribe("b")
                try $0.connect(endpoint)
            }
            _ = try await sendUntilReceived(["a-probe"], from: publisher, to: subscriber)
            try await subscriber.withSocket { try $0.unsubscribe("a") }
            // Over inproc the unsubscription is applied before the next publish is read.
            _ = try await sendUntilReceived(["b-probe"], from: publisher, to: subscriber)
            try await publisher.send(["a-after"])
            try await publisher.send(["b-after"])
            var seen: [String] = []
            for try await message in subscriber.messages {
                seen.append(message.strings[0])
                if message.strings[0] == "b-after" { break }
            }
            #expect(!seen.contains("a-after"))
            #expect(seen.last == "b-after")
            await subscriber.close()
            await publisher.close()
        }
    }
}
