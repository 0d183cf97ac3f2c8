import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import Logging
import Presence
import Storage
import Wire

/// Presence's agent HTTP API (agent.md section 6: `GET /agent/state`, `POST /agent/presence`,
/// `POST /agent/commands`, `POST /agent/offers/:id/accept|reject`) through the routes
/// presence serves, in process, over a real reservation store. Requests carry the right
/// credentials, wrong ones or none, and valid or mutated bodies of every command.
///
/// Oracle: nothing throws, no 500 (a 503 is presence saying no distributor answers, which is
/// right with none connected), and a request without the right credentials is never answered
/// 2xx nor changes the agent's state.
struct AgentHTTPFuzzTarget: FuzzTarget {
    let name = "agent-http"
    let about = "presence's agent HTTP API: state, presence, commands, offer accept/reject; credentials right, wrong or missing"

    static let agentID = "fuzzer"
    static let secret = "fuzz-agent"

    static let commandBodies: [[UInt8]] = [
        #"{"type":"setPresence","presence":"available"}"#, #"{"type":"setPresence","presence":"away"}"#,
        #"{"type":"accept","offerId":"offer-1"}"#, #"{"type":"reject","offerId":"offer-1"}"#,
        #"{"type":"pick","conversationId":"conv-1","queue":"fuzz"}"#,
        #"{"type":"reply","conversationId":"conv-1","text":"On its way.","clientMessageId":"c-1"}"#,
        #"{"type":"release","conversationId":"conv-1"}"#, #"{"type":"hold","conversationId":"conv-1"}"#,
        #"{"type":"wrapUp","conversationId":"conv-1"}"#, #"{"type":"close","conversationId":"conv-1"}"#,
        #"{"type":"transfer","conversationId":"conv-1","targetQueue":"fuzz"}"#,
    ].map { Array($0.utf8) }
    static let presenceBodies: [[UInt8]] = [#"{"presence":"available"}"#, #"{"presence":"away"}"#, #"{"presence":"In a meeting"}"#].map { Array($0.utf8) }

    enum Credentials: CaseIterable {
        case right, wrongSecret, otherAgent, missing, garbage
    }

    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        let directory = FuzzDirectory()
        defer { directory.remove() }
        let configuration = try FuzzConfiguration.load()
        let store = try ReservationStore.open(path: try directory.data(process: "presence").storePath("reservations"))
        // No distributor: what presence would send one goes nowhere.
        let outlets = PresenceOutlets(publish: { _ in }, send: { _, _ in }, sendReliably: { _, _ in })
        let coordinator = try PresenceCoordinator(
            configuration: configuration, store: store,
            credentials: AgentCredentials(agents: configuration.agents, environment: FuzzConfiguration.environment),
            outlets: outlets, ids: MessageIDGenerator(), logger: logger)
        let router = Router(context: BasicWebSocketRequestContext.self)
        // With no distributor an action's result never comes: answer 202 at once, not in 10 s.
        AgentRoutes.add(to: router, coordinator: coordinator, commandWait: .milliseconds(1), logger: logger)
        let application = Application(router: router, logger: logger)
        let start = ContinuousClock.now
        let target = name
        var tally = try await application.test(.router) { client in
            var tally = FuzzTally(target: target, seed: seed)
            var random = SplitMix64(seed: seed)
            for iteration in 0..<iterations {
                let (method, uri, body, label) = Self.request(&random)
                let credentials = random.pick(Credentials.allCases)
                var headers = HTTPFields()
                if let value = Self.authorization(credentials, &random) { headers[.authorization] = value }
                if random.chance(3, in: 4) { headers[.contentType] = "application/json" }
                tally.inputs += 1
                let replay = "replay: switchboard fuzz --target \(target) --seed \(seed) --iterations \(iteration + 1)"
                LastInput.record(target, iteration, "\(method) \(uri) \(headers)", body: body)
                let before = await coordinator.state(of: Self.agentID)
                do {
                    let (status, error) = try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(bytes: body)) {
                        ($0.status.code, Self.errorCode($0.body))
                    }
                    tally.answer(String(status))
                    if (200..<300).contains(status) { tally.accepted += 1 } else { tally.reject(error ?? "http \(status)") }
                    if status >= 500, status != 503 {
                        tally.serverErrors += 1
                        tally.find("\(label) answered \(status) (\(replay))")
                    }
                    if credentials != .right {
                        let after = await coordinator.state(of: Self.agentID)
                        if (200..<300).contains(status) || after != before {
                            tally.violations += 1
                            tally.find("\(label) without the right credentials answered \(status)\(after != before ? " and changed the agent" : "") (\(replay))")
                        }
                    }
                } catch {
                    tally.crashes += 1
                    tally.find("\(label) threw \(error) (\(replay))")
                }
            }
            return tally
        }
        tally.elapsedSeconds = (ContinuousClock.now - start).seconds
        return tally
    }

    static func request(_ random: inout SplitMix64) -> (HTTPRequest.Method, String, [UInt8], String) {
        switch random.index(10) {
        case 0:
            return (random.pick([.get, .get, .post, .delete]), random.pick(["/agent/state", "/agent/state/", "/agent/x", "/agent"]), [], "state")
        case 1..<3:
            let (body, _, label) = WebhookBody.make(presenceBodies, structure: JSONMutator.mutate, &random)
            return (.post, "/agent/presence", body, "presence \(label)")
        case 3..<4:
            let offer = random.chance(1, in: 2) ? "offer-1" : random.token("abcdefghijklmnopqrstuvwxyz0123456789-%._", maximumCount: 40)
            let decision = random.pick(["accept", "reject", "maybe"])
            return (random.pick([.post, .post, .get]), "/agent/offers/\(offer)/\(decision)", random.bytes(random.index(64)), "offer \(decision)")
        default:
            let (body, _, label) = WebhookBody.make(commandBodies, structure: JSONMutator.mutate, &random)
            return (.post, "/agent/commands", body, "command \(label)")
        }
    }

    /// The `error` code of an answer's JSON body (agent.md "Errors"), if it has one.
    static func errorCode(_ body: ByteBuffer) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
        return object?["error"] as? String
    }

    static func authorization(_ credentials: Credentials, _ random: inout SplitMix64) -> String? {
        switch credentials {
        case .right: "Bearer \(agentID):\(secret)"
        case .wrongSecret: "Bearer \(agentID):\(secret)x"
        case .otherAgent: "Bearer grace:\(secret)"
        case .missing: nil
        case .garbage: random.pick(["Bearer", "Bearer :", "Basic Zm9vOmJhcg==", "Bearer \(agentID)", random.token()])
        }
    }
}
