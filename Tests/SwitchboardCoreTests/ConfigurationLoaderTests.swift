import Testing
@testable import SwitchboardCore

/// The loader as a whole: valid files, every error at once, formatting, the shipped example.
@Suite struct ConfigurationLoaderTests {
    @Test func fixtureLoadsWithoutWarnings() throws {
        let loaded = try ConfigurationFixture.load(ConfigurationFixture.valid).get()
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        let configuration = loaded.configuration
        #expect(configuration.version == 1)
        #expect(configuration.system.dataDirectory == "./data")
        #expect(configuration.system.agentDisconnectGracePeriod == .seconds(150))
        #expect(configuration.system.dedupeWindow == .seconds(8 * 86_400))
        #expect(configuration.system.cpuScheduling == .batch, "SCHED_BATCH unless the file says otherwise (decisions §59)")
        #expect(configuration.system.operatorSecret.environmentVariable == "OPERATOR_SECRET")
        #expect(configuration.workStream(forChannel: "sms-main")?.name == "sms-stream")
        #expect(configuration.channelTypesInUse == [.chat, .sms])
        #expect(loaded.sourceMap.line(of: "workStreams[0].capacity") == ConfigurationFixture.line(of: "capacity: 2", in: ConfigurationFixture.valid))
    }

    @Test func shippedExampleIsValidWithoutWarnings() throws {
        let loaded = try ConfigurationLoader.load(yaml: try ConfigurationFixture.shipped(), file: "config/switchboard.yaml").get()
        #expect(loaded.warnings.isEmpty, "\(loaded.warnings)")
        let configuration = loaded.configuration
        #expect(configuration.workStreams.count >= 2)
        #expect(Set(configuration.workStreams.map(\.distribution)) == [.push, .pick])
        #expect(configuration.workStreams.contains { $0.distribution == .push && $0.agentAffinity })
        #expect(Set(configuration.channels.map(\.type)).count >= 3)
        #expect(Set(configuration.queues.map(\.assignment)).count == 3)
        #expect(configuration.agents.count == 4)
        #expect(!configuration.customPresences.isEmpty)
        let variableTypes = Set(configuration.workStreams.flatMap(\.contextVariables).map(\.type))
        #expect(variableTypes == [.text, .number])
    }

    @Test func everyErrorIsReportedAtOnce() throws {
        let yaml = ConfigurationFixture.valid
            .replacingOccurrences(of: "capacity: 2", with: "capacity: -3")
            .replacingOccurrences(of: "priority: 1", with: "priority: first")
            .replacingOccurrences(of: "secret: { env: AGENT_GRACE_SECRET }", with: "secret: letmein")
            .replacingOccurrences(of: "type: chat", with: "type: chatt")
        let issues = ConfigurationFixture.errors(yaml)
        #expect(issues.map(\.path) == ["channels[0].type", "workStreams[0].capacity", "queues[0].priority", "agents[1].secret"])
        #expect(issues.map(\.line) == issues.map(\.line).sorted(), "issues come in file order")
    }

    @Test func aBadNameGivesOneErrorNotOnePerReference() {
        let yaml = ConfigurationFixture.valid.replacingOccurrences(of: "- name: support\n    priority: 2", with: "- name: sup port\n    priority: 2")
        #expect(ConfigurationFixture.errors(yaml).map(\.path) == ["queues[1].name"])
    }

    @Test func issuesFormatAsFileLinePathReason() {
        let issue = ConfigurationIssue(severity: .error, file: "config/switchboard.yaml", line: 42, path: "workStreams[1].capacity",
                                       reason: "must be a positive integer, got -3")
        #expect(issue.description == "config/switchboard.yaml:42: workStreams[1].capacity: must be a positive integer, got -3")
        let warning = ConfigurationIssue(severity: .warning, file: "a.yaml", line: 3, path: "queues[0]", reason: "has no agents")
        #expect(warning.description == "warning: a.yaml:3: queues[0]: has no agents")
        let error = ConfigurationError(code: .invalidConfiguration, issues: [issue])
        #expect(error.message == "config/switchboard.yaml: 1 configuration error")
        #expect(error.description == issue.description)
    }

    @Test func theNormalSchedulingPolicyIsKept() throws {
        let yaml = ConfigurationFixture.valid.replacingOccurrences(
            of: "operatorSecret: { env: OPERATOR_SECRET }", with: "operatorSecret: { env: OPERATOR_SECRET }\n  cpuScheduling: normal")
        #expect(try ConfigurationFixture.load(yaml).get().configuration.system.cpuScheduling == .normal)
    }

    @Test func aliasesAndQuotedValuesDecode() throws {
        let yaml = ConfigurationFixture.valid
            .replacingOccurrences(of: "capacity: 2", with: "capacity: \"2\"")
            .replacingOccurrences(of: "agents: [ada, grace]", with: "agents: &everyone [ada, grace]")
        #expect(ConfigurationFixture.errors(yaml).isEmpty)
    }
}
