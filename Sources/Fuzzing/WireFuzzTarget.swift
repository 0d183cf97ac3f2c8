import Foundation
import Logging
import Wire

/// Every inter-process message (docs/protocols/wire.md) as a socket receives it: the four
/// frames of a DEALER/ROUTER link (routing ids already stripped) or, `published`, the topic
/// frame and the four frames of a SUB socket. Valid frames of every message type, mutated at
/// the frame, header and protobuf field level, and pure noise. Decoding must give a value or
/// a `WireError`; a decoded value must encode and decode to itself.
struct WireFuzzTarget: FuzzTarget {
    let published: Bool
    var name: String { published ? "wire-published" : "wire" }
    var about: String {
        published
            ? "SUB frames (topic + 4) of every message type: WireCodec.decodePublished, mutated and random"
            : "DEALER/ROUTER frames of every message type: WireCodec.decode (envelope and each payload decoder), mutated and random"
    }

    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        let samples = try WireSamples.envelopes.map { published ? try WireCodec.encodePublished($0) : try WireCodec.encode($0) }
        let start = ContinuousClock.now
        var tally = FuzzTally(target: name, seed: seed)
        var random = SplitMix64(seed: seed)
        for iteration in 0..<iterations {
            let frames = Self.input(samples, published: published, &random)
            tally.inputs += 1
            let replay = "replay: switchboard fuzz --target \(name) --seed \(seed) --iterations \(iteration + 1)"
            do throws(WireError) {
                let envelope = published ? try WireCodec.decodePublished(frames: frames) : try WireCodec.decode(frames: frames)
                tally.accepted += 1
                tally.answer("decoded:" + envelope.type.name)
                let again = published
                    ? try WireCodec.decodePublished(frames: WireCodec.encodePublished(envelope))
                    : try WireCodec.decode(frames: WireCodec.encode(envelope))
                // NaN != NaN: a mutated double may be NaN; that is no mismatch.
                if again != envelope && !"\(envelope)".contains("nan") {
                    tally.violations += 1
                    tally.find("\(envelope.type.name) does not survive encode and decode (\(replay))")
                }
            } catch {
                tally.reject(error.code.rawValue)
            }
        }
        tally.elapsedSeconds = (ContinuousClock.now - start).seconds
        return tally
    }

    static func input(_ samples: [[[UInt8]]], published: Bool, _ random: inout SplitMix64) -> [[UInt8]] {
        var frames = random.pick(samples)
        let bodyIndex = frames.count - 1
        switch random.index(20) {
        case 0:
            // Noise: random frames, mostly the right count.
            let count = random.chance(7, in: 10) ? frames.count : random.index(7)
            return (0..<count).map { _ in random.bytes(random.index(40)) }
        case 1:
            return frames  // valid: still decoded, still stable
        case 2..<9:
            frames[bodyIndex] = ProtobufMutator.mutate(frames[bodyIndex], &random)
        case 9..<12:
            // Another type's header on this body: every payload decoder sees others' bytes.
            let type = random.pick(MessageType.allCases)
            frames[bodyIndex - 2] = [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xFF)]
            if random.chance(1, in: 2) { frames[bodyIndex] = ProtobufMutator.mutate(frames[bodyIndex], &random) }
        case 12..<14:
            frames[bodyIndex] = ByteMutator.mutate(frames[bodyIndex], &random)
        default:
            for _ in 0...random.index(3) { mutateFrames(&frames, &random) }
        }
        if published && random.chance(1, in: 10) {
            frames[0] = random.pick([[], Array("agent.".utf8), Array("heartbeat".utf8), Array("agentUpdate".utf8), random.bytes(8)])
        }
        return frames
    }

    /// Frame-level edits: bits, bytes, lengths, frames dropped, repeated, swapped, replaced.
    static func mutateFrames(_ frames: inout [[UInt8]], _ random: inout SplitMix64) {
        guard !frames.isEmpty else {
            frames.append(random.bytes(random.index(8)))
            return
        }
        let index = random.index(frames.count)
        switch random.index(9) {
        case 0:
            if !frames[index].isEmpty { frames[index][random.index(frames[index].count)] ^= 1 << UInt8(random.index(8)) }
        case 1:
            if !frames[index].isEmpty { frames[index][random.index(frames[index].count)] = UInt8.random(in: 0...255, using: &random) }
        case 2: frames[index].removeLast(frames[index].count - random.index(frames[index].count + 1))
        case 3: frames[index].insert(contentsOf: random.bytes(random.index(6)), at: random.index(frames[index].count + 1))
        case 4: frames.remove(at: index)
        case 5: frames.insert(frames[index], at: index)
        case 6: frames[index] = random.bytes(random.index(24))
        case 7: frames.swapAt(index, random.index(frames.count))
        default:
            // The version byte of the tag frame.
            if let tag = frames.firstIndex(where: { $0.starts(with: WireCodec.protocolTag) }) {
                frames[tag] = WireCodec.protocolTag + [UInt8.random(in: 0...255, using: &random)]
            }
        }
    }
}
