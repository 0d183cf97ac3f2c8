// Reading JSON on the hot paths (decisions §53): `JSONReader` against Foundation's
// `JSONDecoder` into the same `JSONValue`, on an agent frame (what presence and the bench's
// agents read for every offer, message and answer) and a custom channel's webhook body.
//
// Run from Benchmarks/:  swift package --disable-sandbox benchmark --target JSONBenchmarks
// With scalingFactor .kilo each sample is 1,000 reads: the (K) columns are per read for time
// and mallocs, and throughput is in thousands of reads per second.

import Benchmark
import Foundation
import JSONText

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        warmupIterations: 10,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 100_000
    )

    for (name, text) in [("offer frame", JSONSamples.offerFrame), ("webhook body", JSONSamples.webhookBody)] {
        let bytes = Array(text.utf8)
        Benchmark("JSONReader.read (\(name), \(bytes.count) bytes)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? JSONReader.read(bytes))
            }
        }
        let value = (try? JSONReader.read(bytes)) ?? .null
        Benchmark("JSONValue.text (\(name))") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(value.text)
            }
        }
        let data = Data(bytes)
        Benchmark("JSONDecoder.decode JSONValue (\(name), \(bytes.count) bytes)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try? JSONDecoder().decode(DecodedByProbing.self, from: data).value)
            }
        }
    }
}

/// How the hot paths read JSON before §53: `JSONDecoder` into a `JSONValue`, each value
/// probed type by type (the conformance JSONText had, kept here as the comparison).
struct DecodedByProbing: Decodable {
    let value: JSONValue

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let bool = try? container.decode(Bool.self) {
            value = .bool(bool)
        } else if let integer = try? container.decode(Int64.self) {
            value = .integer(integer)
        } else if let number = try? container.decode(Double.self) {
            value = .number(number)
        } else if let string = try? container.decode(String.self) {
            value = .string(string)
        } else if let array = try? container.decode([DecodedByProbing].self) {
            value = .array(array.map(\.value))
        } else {
            value = .object(try container.decode([String: DecodedByProbing].self).mapValues(\.value))
        }
    }
}

enum JSONSamples {
    /// The offer frame as a value, as presence builds it before writing it.
    static let offerValue = (try? JSONReader.read(offerFrame)) ?? .null

    /// An `offer` frame as presence writes it (agent.md section 2).
    static let offerFrame = JSONValue.object([
        "type": "offer", "offerId": "o-7f3a9c2e41d84b6a", "conversationId": "c-0193c1f2a8b47e6d9a51",
        "queue": "billing", "workStream": "chat-support", "expiresAt": "2026-11-27T18:04:05.123Z",
        "channelType": "custom", "customerDisplayName": "Jo Bloggs", "summary": .object(["tier": "gold", "orderTotal": .integer(120)]),
    ]).text

    /// A custom channel's message (docs/channels/custom.md).
    static let webhookBody = #"""
        {"channelInstanceId":"custom-1","messageId":"msg-0193c1f2-a8b4-7e6d-9a51-3c2e41d84b6a","customer":{"address":"cust-42","displayName":"Jo Bloggs","locale":"en-GB"},"text":"Hello, where is my order 123? It was due yesterday.","timestamp":1764266645123,"context":{"tier":"gold","orderTotal":120.5,"region":"EMEA"},"attachments":[{"url":"https://files.example.test/a.jpg","contentType":"image/jpeg","name":"a.jpg","sizeBytes":20480}]}
        """#
}
