import SwitchboardCore
import Testing
import Wire

@testable import Presence

/// Secrets (A1, G5) and client-frame parsing (agent.md section 3), without a socket.
@Suite struct AgentProtocolParsingTests {
    @Test func secretsAreComparedExactlyAndMissingVariablesDisableOnlyThatAgent() {
        let agents = [
            Agent(id: "ada", name: "Ada", capacity: 1, secret: SecretReference(environmentVariable: "ADA")),
            Agent(id: "bob", name: "Bob", capacity: 1, secret: SecretReference(environmentVariable: "BOB")),
        ]
        let credentials = AgentCredentials(agents: agents, environment: ["ADA": "s3cret", "BOB": ""])
        #expect(credentials.authenticate(agentID: "ada", secret: "s3cret"))
        #expect(!credentials.authenticate(agentID: "ada", secret: "s3cre"))
        #expect(!credentials.authenticate(agentID: "ada", secret: "s3cret!"))
        #expect(!credentials.authenticate(agentID: "ada", secret: ""))
        #expect(!credentials.authenticate(agentID: "bob", secret: ""))
        #expect(!credentials.authenticate(agentID: "eve", secret: "s3cret"))
        #expect(credentials.unusable.map(\.id) == ["bob"])
    }

    @Test func framesBecomeCommands() throws {
        func command(_ json: String) throws -> AgentCommand { try ClientFrame.decode(json).command() }
        #expect(try command(#"{"type":"setPresence","presence":"On lunch"}"#) == .setPresence("On lunch"))
        #expect(try command(#"{"type":"reject","offerId":"o1"}"#) == .reply(offerID: "o1", .reject))
        #expect(
            try command(#"{"type":"transfer","conversationId":"c1","targetQueue":"vip","note":"VIP"}"#)
                == .action(AgentActionRequest(conversationID: "c1", kind: .transferToQueue("vip"), note: "VIP")))
        #expect(try command(#"{"type":"pick","conversationId":"c1","queue":"billing"}"#) == .action(AgentActionRequest(conversationID: "c1", kind: .pick, queue: "billing")))
        #expect(try command(#"{"type":"received","conversationId":"c1","sequence":3}"#) == .received(conversationID: "c1", sequence: 3))
        #expect(
            try command(#"{"type":"wrapUp","conversationId":"c1","clientActionId":"w-7"}"#)
                == .action(AgentActionRequest(conversationID: "c1", kind: .wrapUp, clientActionID: "w-7")))
        #expect(try command(#"{"type":"close","conversationId":"c1","clientActionId":""}"#) == .action(AgentActionRequest(conversationID: "c1", kind: .close)))
        #expect(try ClientFrame.decode(#"{"type":"hello","agentId":"ada","secret":"x","receipts":true}"#).receipts == true)
        let longest = String(repeating: "c", count: WireCodec.maximumIDBytes)
        #expect(try command(#"{"type":"close","conversationId":"\#(longest)"}"#) == .action(AgentActionRequest(conversationID: longest, kind: .close)))
    }

    @Test(arguments: [
        (#"{"type":"transfer","conversationId":"c1"}"#, "missingField"),
        (#"{"type":"accept"}"#, "missingField"),
        (#"{"type":"hold","conversationId":""}"#, "missingField"),
        (#"{"type":"hello","agentId":"ada","secret":"x"}"#, "unknownType"),
        (#"{"type":"fly"}"#, "unknownType"),
        (#"{"offerId":"o1"}"#, "malformed"),
        (#"[1,2]"#, "malformed"),
        (#"{"type":"accept","offerId":5}"#, "malformed"),
        (#"{"type":"received","conversationId":"c1"}"#, "missingField"),
        (#"{"type":"received","sequence":1}"#, "missingField"),
        (#"{"type":"received","conversationId":"c1","sequence":-1}"#, "malformed"),
        // Ids longer than the wire carries (decisions §38).
        (#"{"type":"close","conversationId":"\#(String(repeating: "c", count: 1_025))"}"#, "malformed"),
        (#"{"type":"transfer","conversationId":"c1","targetAgentId":"\#(String(repeating: "a", count: 1_025))"}"#, "malformed"),
        (#"{"type":"pick","conversationId":"c1","queue":"\#(String(repeating: "q", count: 1_025))"}"#, "malformed"),
        // A NUL, which the stores would cut the id at.
        (#"{"type":"close","conversationId":"c1\u0000x"}"#, "malformed"),
    ])
    func badFramesGetTheRightErrorCode(json: String, code: String) {
        #expect(throws: AgentProtocolError.self) { try ClientFrame.decode(json).command() }
        do {
            _ = try ClientFrame.decode(json).command()
        } catch {
            #expect(error.code == code)
        }
    }
}
