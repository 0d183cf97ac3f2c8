import Foundation
import Logging
import Presence

/// The agent WebSocket's client frames (docs/protocols/agent.md section 3) through the
/// decoder presence runs on every frame: valid frames of every type, mutated. Each must
/// become a command or a refusal with one of the protocol's error codes.
struct AgentFrameFuzzTarget: FuzzTarget {
    let name = "agent"
    let about = "agent WebSocket frames (hello, setPresence, accept, reject, pick, reply, release, hold, wrapUp, close, transfer): AgentCommand.decode"

    static let codes: Set<String> = ["malformed", "missingField", "unknownType"]

    static let templates: [[UInt8]] = [
        #"{"type":"hello","agentId":"ada","secret":"s3cret","presence":"available","requestId":"r-1"}"#,
        #"{"type":"setPresence","presence":"In a meeting","requestId":"r-2"}"#,
        #"{"type":"accept","offerId":"offer-1"}"#, #"{"type":"reject","offerId":"offer-1","requestId":"r-3"}"#,
        #"{"type":"pick","conversationId":"conv-1","queue":"billing","note":"mine"}"#,
        #"{"type":"reply","conversationId":"conv-1","text":"Your order ships today.","clientMessageId":"c-1"}"#,
        #"{"type":"release","conversationId":"conv-1"}"#, #"{"type":"hold","conversationId":"conv-1"}"#,
        #"{"type":"wrapUp","conversationId":"conv-1"}"#, #"{"type":"close","conversationId":"conv-1","note":"done"}"#,
        #"{"type":"transfer","conversationId":"conv-1","targetQueue":"vip","note":"gold"}"#,
        #"{"type":"transfer","conversationId":"conv-1","targetAgentId":"grace"}"#,
    ].map { Array($0.utf8) }

    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        let start = ContinuousClock.now
        var tally = FuzzTally(target: name, seed: seed)
        var random = SplitMix64(seed: seed)
        for iteration in 0..<iterations {
            let (bytes, _, _) = WebhookBody.make(Self.templates, structure: JSONMutator.mutate, &random)
            // A text frame is UTF-8: what is not arrives as U+FFFD.
            let text = String(decoding: bytes, as: UTF8.self)
            tally.inputs += 1
            switch AgentCommand.decode(frame: text).result {
            case .success(let command):
                tally.accepted += 1
                tally.answer(Self.kind(command))
                if case .sendReply(let reply) = command, reply.text.utf8.count > AgentReplyRequest.maximumTextBytes {
                    tally.violations += 1
                    tally.find("a reply over the size limit was accepted (replay: switchboard fuzz --target agent --seed \(seed) --iterations \(iteration + 1))")
                }
            case .failure(let error):
                tally.reject(error.code)
                if !Self.codes.contains(error.code) {
                    tally.violations += 1
                    tally.find("refused with unknown code \(error.code)")
                }
            }
        }
        tally.elapsedSeconds = (ContinuousClock.now - start).seconds
        return tally
    }

    static func kind(_ command: AgentCommand) -> String {
        switch command {
        case .setPresence: "setPresence"
        case .reply(_, let decision): "offer:\(decision)"
        case .action(let action): "action:\(action.kind)".prefix { $0 != "(" }.description
        case .sendReply: "reply"
        case .received: "received"
        }
    }
}
