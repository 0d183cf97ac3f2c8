import Logging

/// One thing the fuzzer feeds: an adapter's HTTP routes, the chat socket, a decoder.
public protocol FuzzTarget: Sendable {
    /// The `--target` name.
    var name: String { get }
    /// One line on what it feeds and what it checks.
    var about: String { get }
    /// Feeds `iterations` inputs made from `seed`. Throws only when the target cannot be set
    /// up (a store that cannot be opened); every input's failure is counted in the tally.
    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally
}

/// How a webhook body is made from the valid templates: unchanged, structure-mutated,
/// byte-mutated or both; the label names which.
enum WebhookBody {
    /// `fresh` gives the template new message ids first, so valid and mutated inputs are new
    /// rows (stored, reaching the outbox) rather than duplicates of the first one.
    static func make(
        _ templates: [[UInt8]], fresh: ([UInt8], inout SplitMix64) -> [UInt8] = { body, _ in body },
        structure: ([UInt8], inout SplitMix64) -> [UInt8], _ random: inout SplitMix64
    ) -> (body: [UInt8], template: [UInt8], label: String) {
        let template = fresh(random.pick(templates), &random)
        let other = random.pick(templates)
        switch random.index(20) {
        case 0..<2: return (template, template, "valid")
        case 2..<10: return (structure(template, &random), template, "structure-mutated")
        case 10..<17: return (ByteMutator.mutate(template, splicing: other, &random), template, "byte-mutated")
        default: return (ByteMutator.mutate(structure(template, &random), splicing: other, &random), template, "mutated")
        }
    }
}

/// What signature header a fuzzed request carries: mostly a correct one for the mutated
/// body (so the parser is reached), else each way a signature can be wrong.
enum SignatureChoice: String, CaseIterable {
    case resigned, forOtherBody, missing, garbage, otherSecret, caseChanged

    static func pick(_ random: inout SplitMix64) -> SignatureChoice {
        switch random.index(20) {
        case 0..<10: .resigned
        case 10..<12: .forOtherBody
        case 12..<14: .missing
        case 14..<16: .garbage
        case 16..<18: .otherSecret
        default: .caseChanged
        }
    }

    /// A header value that is no signature at all: random text, a prefix alone, a wrong length.
    static func garbage(_ random: inout SplitMix64) -> String {
        switch random.index(4) {
        case 0: "sha256=" + random.token("0123456789abcdef", maximumCount: 80)
        case 1: "sha256="
        case 2: random.token("sha256=ABCxyz0123456789+/= \t;,\"'", maximumCount: 90)
        default: String(repeating: "A", count: 1 + random.index(10_000))
        }
    }
}
