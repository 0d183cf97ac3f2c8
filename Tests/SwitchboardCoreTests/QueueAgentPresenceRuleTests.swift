import Testing
@testable import SwitchboardCore

/// Q1/Q2 queues, A1 agents, P1 presences, with the warnings.
@Suite struct QueueAgentPresenceRuleTests {
    static let identifierRule = "a letter, then letters, digits, '-' or '_', at most 64 characters"

    static let cases: [RuleCase] = [
        RuleCase("queue names unique", [("- name: support\n    priority: 2", "- name: billing\n    priority: 2")], marker: "- name: billing", occurrence: 2,
                 path: "queues[1]", reason: "duplicate queue name 'billing' (first declared at line {line of - name: billing})"),
        RuleCase("queue name is identifier-like", [("- name: support\n    priority: 2", "- name: first line\n    priority: 2")], marker: "- name: first line",
                 path: "queues[1].name", reason: "must be an identifier (\(identifierRule)), got 'first line'"),
        RuleCase("queue agents exist", [("agents: [ada, grace]", "agents: [ada, alan]")], marker: "agents: [ada, alan]",
                 path: "queues[1].agents[1]", reason: "unknown agent 'alan'; declared agents: ada, grace"),
        RuleCase("queue agent not listed twice", [("agents: [ada, grace]", "agents: [ada, grace, ada]")], marker: "agents: [ada, grace, ada]",
                 path: "queues[1].agents[2]", reason: "agent 'ada' is listed twice"),
        RuleCase("assignment required", [("    assignment: highestCapacity\n", "")], marker: "- name: billing",
                 path: "queues[0].assignment", reason: "is required"),
        RuleCase("maxDeclines 1...5", [("assignment: roundRobin", "assignment: roundRobin\n    maxDeclines: 6")], marker: "maxDeclines: 6",
                 path: "queues[1].maxDeclines", reason: "must be an integer from 1 to 5, got 6"),
        RuleCase("maxDeclines not zero", [("assignment: roundRobin", "assignment: roundRobin\n    maxDeclines: 0")], marker: "maxDeclines: 0",
                 path: "queues[1].maxDeclines", reason: "must be an integer from 1 to 5, got 0"),
        RuleCase("agent ids unique", [("- id: grace", "- id: ada")], marker: "- id: ada", occurrence: 2,
                 path: "agents[1]", reason: "duplicate agent id 'ada' (first declared at line {line of - id: ada})"),
        RuleCase("agent id identifier-like", [("- id: grace", "- id: grace@example.com")], marker: "- id: grace@",
                 path: "agents[1].id", reason: "must be an identifier (\(identifierRule)), got 'grace@example.com'"),
        RuleCase("agent name required", [("    name: Grace Hopper\n", "")], marker: "- id: grace",
                 path: "agents[1].name", reason: "is required"),
        RuleCase("agent capacity positive", [("capacity: 4\n    secret: { env: AGENT_GRACE", "capacity: 0\n    secret: { env: AGENT_GRACE")], marker: "capacity: 0",
                 path: "agents[1].capacity", reason: "must be a positive integer, got 0"),
        RuleCase("agent secret required", [("    secret: { env: AGENT_GRACE_SECRET }\n", "")], marker: "- id: grace",
                 path: "agents[1].secret", reason: "is required"),
        RuleCase("custom presence names unique", [("    base: busyDnd\n", "    base: busyDnd\n  - name: In a meeting\n    base: busy\n")],
                 marker: "- name: In a meeting", occurrence: 2, path: "presences[1]",
                 reason: "duplicate custom presence name 'In a meeting' (first declared at line {line of - name: In a meeting})"),
        RuleCase("custom presence is not a base name", [("- name: In a meeting", "- name: Away")], marker: "- name: Away",
                 path: "presences[0].name", reason: "'Away' is the name of the base presence away; a custom presence needs a name of its own"),
        RuleCase("custom presence name length", [("- name: In a meeting", "- name: \(String(repeating: "m", count: 65))")],
                 marker: "- name: mmm", path: "presences[0].name", reason: "a custom presence name is at most 64 characters, got 65"),
        RuleCase("custom presence base", [("base: busyDnd", "base: dnd")], marker: "base: dnd",
                 path: "presences[0].base", reason: "must be one of available, busy, busyDnd, away, offline; got dnd"),
        // Warnings
        RuleCase("away on missed offer vs allowed away", [("assignment: highestCapacity", "assignment: highestCapacity\n    onMissedOffer: away"),
                                                          ("[available, busy]", "[available, busy, away]")],
                 marker: "onMissedOffer: away", path: "queues[0].onMissedOffer",
                 reason: "queue 'billing' sets agents away on a missed offer, but work stream 'chat-stream', which it serves, allows the away presence; agents who miss an offer would keep getting offers",
                 severity: .warning),
        RuleCase("queue without agents", [("    agents: [ada]\n", "")], marker: "- name: billing", path: "queues[0]",
                 reason: "queue 'billing' has no agents; its conversations will wait until agents are added", severity: .warning),
        RuleCase("agent in no queue", [("agents: [ada, grace]", "agents: [ada]")], marker: "- id: grace", path: "agents[1]",
                 reason: "agent 'grace' is in no queue; list it in a queue's agents to give it work", severity: .warning),
        RuleCase("queue nothing routes to", [("queue: billing", "queue: support")], marker: "- name: billing", path: "queues[0]",
                 reason: "queue 'billing' is not the target of any routing rule or fallbackQueue; nothing will reach it", severity: .warning),
        RuleCase("work stream capacity above every agent's", [("capacity: 2\n", "capacity: 5\n")], marker: "capacity: 5", path: "workStreams[0].capacity",
                 reason: "conversations need 5 capacity units but no agent of queue 'billing' has that many (largest: 4); push can never offer them there",
                 severity: .warning),
    ]

    @Test(arguments: cases) func rule(_ ruleCase: RuleCase) throws {
        try ruleCase.check()
    }

    @Test func queueDefaultsAndLookups() throws {
        let configuration = try ConfigurationFixture.load(ConfigurationFixture.valid).get().configuration
        let support = try #require(configuration.queue(named: "support"))
        #expect(support.offerTimeout == .seconds(120))
        #expect(support.maxDeclines == 3)
        #expect(support.onMissedOffer == .keep)
        #expect(support.assignment == .roundRobin)
        #expect(configuration.queueNames(ofAgent: "ada") == ["billing", "support"])
        #expect(configuration.agent(id: "grace")?.secret.environmentVariable == "AGENT_GRACE_SECRET")
        #expect(configuration.customPresence(named: "In a meeting")?.base == .busyDnd)
        #expect(configuration.queue(named: "nope") == nil)
    }
}
