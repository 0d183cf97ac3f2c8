import Foundation
import HTTPTypes
import Ingress
import Logging
import Storage
import SwitchboardCore
import Testing
import Wire

@testable import Fuzzing

/// The oracle catches what it is there for: an adapter that stores unsigned input, answers
/// 5xx or throws is reported, so a green fuzz run means something.
@Suite struct OracleTests {
    /// Stores every POST whatever its signature; answers 500 to a body starting with "5".
    struct CarelessAdapter: ChannelAdapter {
        var channelType: ChannelType { .custom }
        var routes: [AdapterRoute] { [AdapterRoute(method: .post, path: "/careless")] }

        func receive(_ request: RawRequest) async -> AdapterVerdict {
            if request.body.first == UInt8(ascii: "5") {
                return .respond(AdapterResponse(status: .internalServerError, contentType: "text/plain", body: []))
            }
            return .store([InboundMessage(
                channelInstanceID: "careless", channelType: "custom", providerMessageID: UUID().uuidString, customerAddress: "c",
                receivedAtMs: request.receivedAtMs)])
        }

        func answer(_ request: RawRequest, stored: [StoredMessage]) -> AdapterResponse {
            AdapterResponse(status: .ok, contentType: "text/plain", body: [])
        }
    }

    @Test func unsignedRowsAndServerErrorsAreFindings() async throws {
        let directory = FuzzDirectory()
        defer { directory.remove() }
        let store = try OutboxStore(directory: try directory.data(process: "ingress-custom"))
        var logger = Logger(label: "oracle-test")
        logger.logLevel = .critical
        let harness = WebhookHarness(target: "careless", adapter: CarelessAdapter(), store: store, logger: logger)
        let tally = try await harness.run(seed: 1, iterations: 40) { random in
            let five = random.chance(1, in: 4)
            return WebhookInput(uri: "/careless", body: Array((five ? "5" : "x").utf8), signed: random.chance(1, in: 2), label: "test")
        }
        #expect(tally.inputs == 40)
        #expect(tally.storedUnsigned > 0 && tally.storedSigned > 0)
        #expect(tally.serverErrors > 0)
        #expect(tally.failed)
        #expect(tally.findings.contains { $0.contains("without a valid signature stored") })
        #expect(tally.findings.contains { $0.contains("answered 500") })
    }
}

/// The service targets' answer accounting: a missing answer, an answer to nothing and a
/// wrong verdict are each a violation; copies of one id answered in another order are not.
@Suite struct AnswerAccountingTests {
    static let a = MessageID(prefix: 1, counter: 1)
    static let b = MessageID(prefix: 1, counter: 2)

    static func input(_ id: MessageID, answered: Bool = true, mustAccept: Bool? = nil) -> SentInput {
        var input = SentInput(id: id, label: "input \(id.counter)", answered: answered)
        input.mustAccept = mustAccept
        return input
    }

    static func answer(_ id: MessageID, accepted: Bool) -> LinkAnswers.Answer {
        LinkAnswers.Answer(answered: id, label: accepted ? "SubmitAck:accepted" : "SubmitAck:rejected", accepted: accepted, reason: accepted ? nil : "unknown channel instance 'x'")
    }

    func violations(_ sent: [SentInput], _ answers: [MessageID: [LinkAnswers.Answer]]) -> FuzzTally {
        var tally = FuzzTally(target: "test", seed: 1)
        SentInput.check(sent, answers: answers, into: &tally) { _, _ in nil }
        return tally
    }

    @Test func eachBrokenPromiseIsAViolation() {
        // Answered as it must be: nothing found, the refusal counted by its kind.
        let fine = violations([Self.input(Self.a, mustAccept: false)], [Self.a: [Self.answer(Self.a, accepted: false)]])
        #expect(fine.violations == 0 && fine.rejections["unknown channel instance"] == 1)
        // No answer; an answer to an input that takes none; an answer to nothing sent.
        #expect(violations([Self.input(Self.a)], [:]).violations == 1)
        #expect(violations([Self.input(Self.a, answered: false)], [Self.a: [Self.answer(Self.a, accepted: true)]]).violations == 1)
        #expect(violations([], [Self.b: [Self.answer(Self.b, accepted: true)]]).violations == 1)
        // Taken though it must be refused, and the other way round.
        #expect(violations([Self.input(Self.a, mustAccept: false)], [Self.a: [Self.answer(Self.a, accepted: true)]]).violations == 1)
        #expect(violations([Self.input(Self.a, mustAccept: true)], [Self.a: [Self.answer(Self.a, accepted: false)]]).violations == 1)
    }

    @Test func copiesOfOneIdAreJudgedTogether() {
        // The refused copy is answered first: the count of refusals matches, so no finding.
        let sent = [Self.input(Self.a, mustAccept: true), Self.input(Self.a, mustAccept: false)]
        let answers = [Self.a: [Self.answer(Self.a, accepted: false), Self.answer(Self.a, accepted: true)]]
        #expect(violations(sent, answers).violations == 0)
        #expect(violations(sent, [Self.a: [Self.answer(Self.a, accepted: true), Self.answer(Self.a, accepted: true)]]).violations == 1)
    }
}

/// The mutators' own promises: the structure-aware ones keep their format's syntax.
@Suite struct MutatorTests {
    @Test func jsonTreeReadsAndWritesTheTemplatesByteForByte() throws {
        for template in CustomFuzzTarget.templates + TwitterFuzzTarget.templates + AgentFrameFuzzTarget.templates {
            let tree = try #require(JSONTree(parsing: template))
            #expect(tree.bytes == template)
        }
        #expect(JSONTree(parsing: Array("{\"a\":".utf8)) == nil)
        #expect(JSONTree(parsing: Array("[1,2] x".utf8)) == nil)
        #expect(JSONTree(parsing: Array(#"{"a":"\u00e9\n"}"#.utf8)) == .object([JSONTree.Member("a", .string("é\n"))]))
    }

    @Test func structureMutationsStayJSONAndChangeSomething() throws {
        var random = SplitMix64(seed: 99)
        var changed = 0
        for _ in 0..<500 {
            let template = random.pick(CustomFuzzTarget.templates)
            let mutated = JSONMutator.mutate(template, &random)
            if mutated != template { changed += 1 }
            // Still JSON text; only nesting deeper than the reader's own limit is not read back.
            let text = String(decoding: mutated, as: UTF8.self)
            let deep = text.contains(String(repeating: "[", count: 100)) || text.contains(String(repeating: #"{"a":"#, count: 100))
            #expect(JSONTree(parsing: mutated) != nil || deep)
        }
        #expect(changed > 450)
    }

    @Test func protobufMutationsParseValidBodiesAndBreakThem() throws {
        let bodies = try WireSamples.envelopes.map { try WireCodec.encode($0)[3] }
        for body in bodies { #expect(ProtobufMutator.parse(body) != nil) }
        var random = SplitMix64(seed: 5)
        var failures = 0
        for index in 0..<2_000 {
            let body = bodies[index % bodies.count]
            let frames = try WireCodec.encode(WireSamples.envelopes[index % bodies.count])
            let mutated = ProtobufMutator.mutate(body, &random)
            do { _ = try WireCodec.decode(frames: [frames[0], frames[1], frames[2], mutated]) } catch { failures += 1 }
        }
        #expect(failures > 100)
        #expect(failures < 2_000)
    }

    @Test func messageMutationsChangeFieldsAndMostStillDecode() throws {
        var random = SplitMix64(seed: 11)
        let known = RouterFuzzInputs.known(try FuzzConfiguration.load())
        let takenIn: Set<MessageType> = [.submit, .deliver, .agentReply, .ready, .conversationClosed, .conversationTransferred, .grant, .offerReply, .agentAction]
        let samples = WireSamples.allFieldsSet.filter { takenIn.contains($0.type) }
        var (changed, decoded) = (0, 0)
        for index in 0..<300 {
            let message = samples[index % samples.count]
            let mutated = MessageMutator.mutate(message, known, &random)
            #expect(mutated.type == message.type)
            if mutated != message { changed += 1 }
            if let frames = try? WireCodec.encode(Envelope(id: WireSamples.idA, message: mutated)), (try? WireCodec.decode(frames: frames)) != nil {
                decoded += 1
            }
        }
        // Field edits, not noise: most stay well formed, so they reach the services' own checks.
        #expect(changed > 250)
        #expect(decoded > 150)
    }

    @Test func formMutationsStayForms() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<300 {
            let mutated = FormMutator.mutate(random.pick(SMSFuzzTarget.templates), &random)
            guard case .success = FormURLEncoded.decode(mutated) else {
                Issue.record("not a form: \(String(decoding: mutated, as: UTF8.self))")
                return
            }
        }
    }
}
