import SwitchboardTestSupport
import Testing
import Wire

/// Feeds the decoder random and mutated frames. It must never trap: every input gives
/// an Envelope or a WireError. Set WIRE_FUZZ_SEED to replay a run; the seed is printed
/// first (so it survives a crash) and is part of every failure message.
@Suite("Fuzzing the decoder")
struct FuzzTests {
    static func seed() -> UInt64 {
        SplitMix64.seed(fromEnvironment: "WIRE_FUZZ_SEED")
    }

    struct Tally {
        var decoded = 0
        var errors: [WireError.Code: Int] = [:]
        var reencodeMismatches: [String] = []
    }

    /// Decodes; when that succeeds, re-encodes and decodes again and expects the same
    /// value (a decoded message is always encodable and stable).
    static func feed(_ frames: [[UInt8]], published: Bool, into tally: inout Tally) {
        do {
            let envelope = published
                ? try WireCodec.decodePublished(frames: frames) : try WireCodec.decode(frames: frames)
            tally.decoded += 1
            let again = published
                ? try WireCodec.decodePublished(frames: WireCodec.encodePublished(envelope))
                : try WireCodec.decode(frames: WireCodec.encode(envelope))
            // NaN != NaN: a mutated double may be NaN; skip the comparison then.
            if again != envelope && !"\(envelope)".contains("nan") && tally.reencodeMismatches.count < 5 {
                tally.reencodeMismatches.append("\(envelope) re-decoded as \(again)")
            }
        } catch {
            tally.errors[error.code, default: 0] += 1
        }
    }

    static func randomBytes(_ rng: inout SplitMix64, maxCount: Int) -> [UInt8] {
        let count = Int.random(in: 0...maxCount, using: &rng)
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    @Test("20,000 random frame sets decode to a value or a WireError")
    func randomFrames() {
        let seed = Self.seed()
        print("FuzzTests.randomFrames seed \(seed) (replay: WIRE_FUZZ_SEED=\(seed))")
        var rng = SplitMix64(seed: seed)
        var tally = Tally()
        let validHeaders = (try? WireCodec.encode(Fixtures.envelopes[0])) ?? []
        for iteration in 0..<20_000 {
            let published = iteration % 5 == 0
            // Mostly the right number of frames, so the input gets past the frame count.
            let frameCount = Int.random(in: 0..<10, using: &rng) < 7 ? 4 : Int.random(in: 0...6, using: &rng)
            var frames = (0..<frameCount).map { _ in Self.randomBytes(&rng, maxCount: 40) }
            // Half the time keep a valid tag, a known type and a 16-byte id so the random
            // body reaches the protobuf decoder and the field checks.
            if iteration % 2 == 0, frames.count == 4, validHeaders.count == 4 {
                let type = MessageType.allCases.randomElement(using: &rng) ?? .heartbeat
                frames[0] = validHeaders[0]
                frames[1] = [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xff)]
                frames[2] = validHeaders[2]
                if published {
                    let topics = ["heartbeat", "agent.", "agent.a", "agentUpdate", ""]
                    frames.insert(Array((topics.randomElement(using: &rng) ?? "").utf8), at: 0)
                }
            }
            Self.feed(frames, published: published, into: &tally)
        }
        #expect(tally.decoded + tally.errors.values.reduce(0, +) == 20_000, "seed \(seed)")
        #expect(tally.reencodeMismatches.isEmpty, "seed \(seed): \(tally.reencodeMismatches)")
        #expect((tally.errors[.wrongFrameCount] ?? 0) > 0, "seed \(seed)")
        #expect((tally.errors[.invalidBody] ?? 0) + (tally.errors[.missingRequiredField] ?? 0) > 0, "seed \(seed)")
    }

    enum Mutation: CaseIterable {
        case flipBit, truncate, insertBytes, dropFrame, duplicateFrame, replaceFrame, swapFrames, overwriteByte
    }

    static func mutate(_ frames: inout [[UInt8]], _ rng: inout SplitMix64) {
        guard let mutation = Mutation.allCases.randomElement(using: &rng) else { return }
        guard !frames.isEmpty else {
            frames.append(randomBytes(&rng, maxCount: 8))
            return
        }
        let index = Int.random(in: 0..<frames.count, using: &rng)
        switch mutation {
        case .flipBit:
            guard !frames[index].isEmpty else { return }
            let byte = Int.random(in: 0..<frames[index].count, using: &rng)
            frames[index][byte] ^= 1 << UInt8.random(in: 0...7, using: &rng)
        case .overwriteByte:
            guard !frames[index].isEmpty else { return }
            let byte = Int.random(in: 0..<frames[index].count, using: &rng)
            frames[index][byte] = UInt8.random(in: 0...255, using: &rng)
        case .truncate:
            let keep = Int.random(in: 0...frames[index].count, using: &rng)
            frames[index].removeLast(frames[index].count - keep)
        case .insertBytes:
            let at = Int.random(in: 0...frames[index].count, using: &rng)
            frames[index].insert(contentsOf: randomBytes(&rng, maxCount: 6), at: at)
        case .dropFrame:
            frames.remove(at: index)
        case .duplicateFrame:
            frames.insert(frames[index], at: index)
        case .replaceFrame:
            frames[index] = randomBytes(&rng, maxCount: 24)
        case .swapFrames:
            let other = Int.random(in: 0..<frames.count, using: &rng)
            frames.swapAt(index, other)
        }
    }

    @Test("20,000 mutations of valid encodings decode to a value or a WireError")
    func mutatedFrames() throws {
        let seed = Self.seed()
        print("FuzzTests.mutatedFrames seed \(seed) (replay: WIRE_FUZZ_SEED=\(seed))")
        var rng = SplitMix64(seed: seed)
        let plain = try Fixtures.envelopes.map { try WireCodec.encode($0) }
        let published = try Fixtures.envelopes.map { try WireCodec.encodePublished($0) }
        var tally = Tally()
        for iteration in 0..<20_000 {
            let usePublished = iteration % 4 == 0
            let corpus = usePublished ? published : plain
            guard var frames = corpus.randomElement(using: &rng) else { continue }
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                Self.mutate(&frames, &rng)
            }
            Self.feed(frames, published: usePublished, into: &tally)
        }
        #expect(tally.decoded + tally.errors.values.reduce(0, +) == 20_000, "seed \(seed)")
        #expect(tally.reencodeMismatches.isEmpty, "seed \(seed): \(tally.reencodeMismatches)")
        // Mutations hit every layer: framing, type, id, body.
        #expect(tally.decoded > 0, "seed \(seed)")
        for code: WireError.Code in [.wrongFrameCount, .wrongProtocolTag, .invalidFrameLength, .invalidBody] {
            #expect((tally.errors[code] ?? 0) > 0, "seed \(seed): no \(code) in \(tally.errors)")
        }
    }
}
