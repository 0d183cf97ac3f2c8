import Foundation
import Testing
@testable import SwitchboardCore

/// A small valid configuration (no warnings) that each rule test breaks in one place.
enum ConfigurationFixture {
    static let file = "test.yaml"

    static let valid = """
    version: 1
    system:
      operatorSecret: { env: OPERATOR_SECRET }
    processes:
      router:
        ingressEndpoint: tcp://127.0.0.1:5550
        distributorEndpoint: tcp://127.0.0.1:5551
        http: 127.0.0.1:8090
      presence:
        requestEndpoint: tcp://127.0.0.1:5560
        updatesEndpoint: tcp://127.0.0.1:5561
        http: 127.0.0.1:8091
      distributors:
        - name: distributor-1
          queues: [billing, support]
          http: 127.0.0.1:8092
      ingress:
        chat: { http: 127.0.0.1:8080 }
        sms: { http: 127.0.0.1:8081 }
    presences:
      - name: In a meeting
        base: busyDnd
    channels:
      - id: web-chat
        type: chat
        workStream: chat-stream
      - id: sms-main
        type: sms
        workStream: sms-stream
        phoneNumber: "+15550002222"
        accountSid: AC00000000000000000000000000000001
        authToken: { env: TWILIO_AUTH_TOKEN }
        publicUrl: https://ingress.example.test/sms
    workStreams:
      - name: chat-stream
        channelType: chat
        channels: [web-chat]
        capacity: 2
        distribution: push
        allowedPresences: [available, busy]
        contextVariables:
          - { displayName: Customer tier, type: text }
          - { displayName: Order total, name: orderTotal, type: number }
        routingRules:
          - name: vip
            queue: billing
            condition:
              all:
                - { variable: customerTier, op: equals, value: gold }
                - { variable: orderTotal, op: between, value: [100, 500] }
        fallbackQueue: support
      - name: sms-stream
        channelType: sms
        channels: [sms-main]
        capacity: 1
        distribution: pick
        allowedPresences: [available]
        fallbackQueue: support
    queues:
      - name: billing
        priority: 1
        agents: [ada]
        assignment: highestCapacity
      - name: support
        priority: 2
        agents: [ada, grace]
        assignment: roundRobin
    agents:
      - id: ada
        name: Ada Lovelace
        capacity: 4
        secret: { env: AGENT_ADA_SECRET }
      - id: grace
        name: Grace Hopper
        capacity: 4
        secret: { env: AGENT_GRACE_SECRET }

    """

    /// The shipped example, read from the package (tests may do I/O; the loader does not).
    static func shipped() throws -> String {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try String(contentsOf: root.appendingPathComponent("config/switchboard.yaml"), encoding: .utf8)
    }

    static func load(_ yaml: String) -> Result<LoadedConfiguration, ConfigurationError> {
        ConfigurationLoader.load(yaml: yaml, file: file)
    }

    /// Errors (empty when the load succeeds).
    static func errors(_ yaml: String) -> [ConfigurationIssue] {
        if case .failure(let failure) = load(yaml) { return failure.issues }
        return []
    }

    /// Warnings, whether or not the load succeeded.
    static func warnings(_ yaml: String) -> [ConfigurationIssue] {
        switch load(yaml) {
        case .success(let loaded): loaded.warnings
        case .failure(let failure): failure.warnings
        }
    }

    /// 1-based line of the `occurrence`-th line containing `marker`.
    static func line(of marker: String, occurrence: Int = 1, in yaml: String) -> Int? {
        let matches = yaml.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { $0.element.contains(marker) }
        return matches.count >= occurrence ? matches[occurrence - 1].offset + 1 : nil
    }
}

/// One broken configuration and the issue it must produce.
struct RuleCase: Sendable, CustomTestStringConvertible {
    let rule: String
    /// Replacements applied in order to the base text; each `old` must be present.
    let edits: [(old: String, new: String)]
    /// The issue's line is the line of this text in the edited file (`occurrence`-th match).
    let marker: String
    var occurrence = 1
    let path: String
    let reason: String
    var severity: ConfigurationIssue.Severity = .error
    var base: Base = .fixture

    enum Base: Sendable { case fixture, shipped }

    var testDescription: String { rule }

    init(_ rule: String, _ edits: [(old: String, new: String)], marker: String, occurrence: Int = 1, path: String,
         reason: String, severity: ConfigurationIssue.Severity = .error, base: Base = .fixture) {
        self.rule = rule
        self.edits = edits
        self.marker = marker
        self.occurrence = occurrence
        self.path = path
        self.reason = reason
        self.severity = severity
        self.base = base
    }

    /// Replaces each `{line of TEXT}` in an expected reason with the line of TEXT in `yaml`.
    private func resolveLines(in reason: String, yaml: String) throws -> String {
        var result = reason
        while let start = result.range(of: "{line of "), let end = result.range(of: "}", range: start.upperBound..<result.endIndex) {
            let text = String(result[start.upperBound..<end.lowerBound])
            let line = try #require(ConfigurationFixture.line(of: text, in: yaml), "no line with '\(text)'")
            result.replaceSubrange(start.lowerBound..<end.upperBound, with: "\(line)")
        }
        return result
    }

    /// Applies the edits and checks the expected issue is reported with its line.
    func check(sourceLocation: SourceLocation = #_sourceLocation) throws {
        var yaml = base == .fixture ? ConfigurationFixture.valid : try ConfigurationFixture.shipped()
        for edit in edits {
            try #require(yaml.contains(edit.old), "fixture lacks '\(edit.old)'", sourceLocation: sourceLocation)
            yaml = yaml.replacingOccurrences(of: edit.old, with: edit.new)
        }
        let line = try #require(ConfigurationFixture.line(of: marker, occurrence: occurrence, in: yaml), sourceLocation: sourceLocation)
        let expected = ConfigurationIssue(severity: severity, file: ConfigurationFixture.file, line: line, path: path,
                                          reason: try resolveLines(in: reason, yaml: yaml))
        let issues = severity == .error ? ConfigurationFixture.errors(yaml) : ConfigurationFixture.warnings(yaml)
        #expect(issues.contains(expected), "expected \(expected)\ngot:\n\(issues.map(\.description).joined(separator: "\n"))",
                sourceLocation: sourceLocation)
    }
}
