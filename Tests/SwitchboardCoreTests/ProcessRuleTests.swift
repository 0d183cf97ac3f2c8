import Testing
@testable import SwitchboardCore

/// Process endpoints, distributors and ingress adapters.
@Suite struct ProcessRuleTests {
    static let endpointReason = "must be a ZeroMQ endpoint tcp://host:port, ipc://path or inproc://name"

    static let cases: [RuleCase] = [
        RuleCase("ZeroMQ endpoint syntax", [("ingressEndpoint: tcp://127.0.0.1:5550", "ingressEndpoint: tcp://127.0.0.1")], marker: "ingressEndpoint",
                 path: "processes.router.ingressEndpoint", reason: "\(endpointReason), got 'tcp://127.0.0.1'"),
        RuleCase("ZeroMQ endpoint scheme", [("ingressEndpoint: tcp://127.0.0.1:5550", "ingressEndpoint: udp://127.0.0.1:5550")], marker: "ingressEndpoint",
                 path: "processes.router.ingressEndpoint", reason: "\(endpointReason), got 'udp://127.0.0.1:5550'"),
        RuleCase("ZeroMQ endpoint port range", [("requestEndpoint: tcp://127.0.0.1:5560", "requestEndpoint: tcp://127.0.0.1:0")], marker: "requestEndpoint",
                 path: "processes.presence.requestEndpoint", reason: "\(endpointReason), got 'tcp://127.0.0.1:0'"),
        RuleCase("ZeroMQ endpoint concrete host", [("ingressEndpoint: tcp://127.0.0.1:5550", "ingressEndpoint: tcp://*:5550")], marker: "ingressEndpoint",
                 path: "processes.router.ingressEndpoint",
                 reason: "must name a concrete host, not '*': the same endpoint is used to connect, got 'tcp://*:5550'"),
        RuleCase("http address port range", [("http: 127.0.0.1:8090", "http: 127.0.0.1:70000")], marker: "127.0.0.1:70000",
                 path: "processes.router.http", reason: "must be host:port with a port from 1 to 65535, got '127.0.0.1:70000'"),
        RuleCase("http address needs a port", [("http: 127.0.0.1:8091", "http: localhost")], marker: "http: localhost",
                 path: "processes.presence.http", reason: "must be host:port with a port from 1 to 65535, got 'localhost'"),
        RuleCase("endpoints not shared", [("updatesEndpoint: tcp://127.0.0.1:5561", "updatesEndpoint: tcp://127.0.0.1:5550")], marker: "updatesEndpoint",
                 path: "processes.presence.updatesEndpoint",
                 reason: "'tcp://127.0.0.1:5550' is already used by processes.router.ingressEndpoint; each process needs its own endpoint and HTTP address"),
        RuleCase("http addresses not shared", [("sms: { http: 127.0.0.1:8081 }", "sms: { http: 127.0.0.1:8080 }")], marker: "sms: { http",
                 path: "processes.ingress.sms.http",
                 reason: "'127.0.0.1:8080' is already used by processes.ingress.chat.http; each process needs its own endpoint and HTTP address"),
        RuleCase("distributors required", [("  distributors:\n    - name: distributor-1\n      queues: [billing, support]\n      http: 127.0.0.1:8092\n", "")],
                 marker: "router:", path: "processes.distributors", reason: "is required"),
        RuleCase("distributor names unique", [("      http: 127.0.0.1:8092\n", "      http: 127.0.0.1:8092\n    - name: distributor-1\n      queues: [support]\n      http: 127.0.0.1:8093\n"),
                                              ("queues: [billing, support]", "queues: [billing]")],
                 marker: "- name: distributor-1", occurrence: 2, path: "processes.distributors[1]",
                 reason: "duplicate distributor name 'distributor-1' (first declared at line {line of - name: distributor-1})"),
        RuleCase("queue served by no distributor", [("queues: [billing, support]", "queues: [billing]")], marker: "- name: support",
                 path: "queues[1].name", reason: "queue 'support' is served by no distributor; add it to the queues of one entry in processes.distributors"),
        RuleCase("queue served by two distributors", [("      http: 127.0.0.1:8092\n", "      http: 127.0.0.1:8092\n    - name: distributor-2\n      queues: [support]\n      http: 127.0.0.1:8093\n")],
                 marker: "queues: [support]", path: "processes.distributors[1].queues[0]",
                 reason: "queue 'support' is already served by distributor 'distributor-1'; a queue has exactly one distributor"),
        RuleCase("distributor queues exist", [("queues: [billing, support]", "queues: [billing, support, returns]")], marker: "queues: [billing, support, returns]",
                 path: "processes.distributors[0].queues[2]", reason: "unknown queue 'returns'; declared queues: billing, support"),
        RuleCase("ingress adapter for every type in use", [("    sms: { http: 127.0.0.1:8081 }\n", "")], marker: "type: sms",
                 path: "channels[1].type", reason: "no ingress adapter is configured for channel type sms; add processes.ingress.sms with its http address"),
        RuleCase("ingress keys are channel types", [("    sms: { http: 127.0.0.1:8081 }\n", "    sms: { http: 127.0.0.1:8081 }\n    line: { http: 127.0.0.1:8086 }\n")],
                 marker: "line: {", path: "processes.ingress.line",
                 reason: "channel type 'line' is not supported yet; supported: chat, sms, facebook, whatsapp, twitter, custom"),
        RuleCase("adapter without channels", [("    sms: { http: 127.0.0.1:8081 }\n", "    sms: { http: 127.0.0.1:8081 }\n    custom: { http: 127.0.0.1:8085 }\n")],
                 marker: "custom: {", path: "processes.ingress.custom",
                 reason: "an ingress adapter is configured for channel type custom, but no channel has that type", severity: .warning),
        RuleCase("inproc endpoints warned", [("distributorEndpoint: tcp://127.0.0.1:5551", "distributorEndpoint: inproc://distributors")],
                 marker: "distributorEndpoint", path: "processes.router.distributorEndpoint",
                 reason: "inproc:// endpoints only connect threads of one process; separate processes need tcp:// or ipc://", severity: .warning),
    ]

    @Test(arguments: cases) func rule(_ ruleCase: RuleCase) throws {
        try ruleCase.check()
    }

    @Test func endpointsAreTyped() throws {
        let yaml = ConfigurationFixture.valid
            .replacingOccurrences(of: "updatesEndpoint: tcp://127.0.0.1:5561", with: "updatesEndpoint: ipc:///tmp/switchboard-updates")
            .replacingOccurrences(of: "http: 127.0.0.1:8091", with: "http: \"[::1]:8091\"")
        let processes = try ConfigurationFixture.load(yaml).get().configuration.processes
        #expect(processes.router.ingressEndpoint == .tcp(host: "127.0.0.1", port: 5550))
        #expect(processes.presence.updatesEndpoint == .ipc(path: "/tmp/switchboard-updates"))
        #expect(processes.presence.http == HTTPAddress(host: "::1", port: 8091))
        #expect(processes.presence.http.description == "[::1]:8091")
        #expect(processes.distributor(forQueue: "support")?.name == "distributor-1")
        #expect(processes.ingress[.sms]?.http.port == 8081)
    }
}
