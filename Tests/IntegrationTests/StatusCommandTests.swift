import AsyncHTTPClient
import Foundation
import SwitchboardTestSupport
import Testing

/// Issue 4, item 7: operators see the routing. The real executables, two webhooks, then the
/// real `switchboard status` with the operator secret in its environment; `/status` without
/// it; the router's `/metrics` after routing; a killed distributor shown as unreachable.
@Suite(.serialized) struct StatusCommandTests {
    static let everything: [RunningSystem.Part] = [.router, .presence, .distributor1, .distributor2, .ingressCustom]

    @Test func statusShowsOwnersWaitingConversationsAndAgentsAndAnUnreachableDistributor() async throws {
        let system = try RunningSystem()
        do {
            try system.start(Self.everything)
            try await system.waitHealthy(Self.everything)
            try await exercise(system)
        } catch {
            Issue.record("\(error)\n\(system.logTails())")
        }
        await system.stopAll()
    }

    private func exercise(_ system: RunningSystem) async throws {
        let routerURL = "http://127.0.0.1:\(system.ports.routerHTTP)"
        let secret = try #require(system.secrets["SWITCHBOARD_OPERATOR_SECRET"])

        // G5: no bearer, or a wrong one, is 401.
        #expect(try await system.get("\(routerURL)/status").status == 401)
        #expect(try await Self.status(routerURL, bearer: "not-the-secret").status == 401)

        // grace (support only) is available; ada (billing's only member) is not connected, so
        // billing's conversation waits with nobody to offer it to.
        let grace = TestAgent("grace", secret: "grace-secret", system: system)
        try await grace.connect()
        let billing = try await system.postMessage(messageID: "s-1", customer: "cust-1", text: "My invoice", context: ["topic": "invoice 7"])
        let support = try await system.postMessage(messageID: "s-2", customer: "cust-2", text: "Hello")
        #expect(billing.status == 202 && support.status == 202, "\(billing.body) \(support.body)")
        try await grace.waitFor("the support offer") { events in events.contains { if case .offer = $0 { true } else { false } } }
        let distributor1 = "http://127.0.0.1:\(system.ports.distributor1HTTP)"
        try await withTimeout(.seconds(15), "billing's conversation waiting at distributor-1, its delivery acknowledged") {
            while try await !Self.status(distributor1, bearer: secret).body.contains(#""waiting":1"#) {
                try await Task.sleep(for: .milliseconds(100))
            }
            let acknowledged = #""name":"billing","owner":"distributor-1","ownerAlive":true,"pendingDeliveries":0"#
            while try await !Self.status(routerURL, bearer: secret).body.contains(acknowledged) {
                try await Task.sleep(for: .milliseconds(100))
            }
        }

        let run = try SwitchboardRun.run(
            ["status", "--config", system.configPath], in: URL(fileURLWithPath: system.directory.path), environment: [
                "SWITCHBOARD_OPERATOR_SECRET": secret
            ])
        #expect(run.status == 0, "\(run.stdout)\n\(run.stderr)")
        let queues = Self.rows(run.stdout, section: "QUEUES")
        // NAME PRIORITY OWNER WAITING OLDEST-WAIT ACTIVE PENDING
        let billingRow = try #require(queues["billing"], "\(run.stdout)")
        #expect(billingRow[1] == "1" && billingRow[2] == "distributor-1" && billingRow[3] == "1", "\(billingRow)")
        #expect(billingRow[4] != "-" && billingRow[4] != "?", "an oldest wait is shown: \(billingRow)")
        #expect(billingRow[6] == "0", "distributor-1 acknowledged the delivery: \(billingRow)")
        let supportRow = try #require(queues["support"], "\(run.stdout)")
        #expect(supportRow[2] == "distributor-2" && supportRow[3] == "1", "offered to grace, still Open: \(supportRow)")
        let agents = Self.rows(run.stdout, section: "AGENTS")
        #expect(agents["grace"]?.contains("available") == true && agents["grace"]?.last == "yes", "\(run.stdout)")
        #expect(agents["ada"]?.last == "no", "\(run.stdout)")
        #expect(Self.rows(run.stdout, section: "WORK STREAMS")["retail-app"] == ["retail-app", "custom", "push", "mobile-app"])

        // The router's metrics: routed per work stream and queue, the fallback taken.
        let metrics = try await system.get("\(routerURL)/metrics").body
        #expect(Self.sample(metrics, "switchboard_router_conversations_routed_total", labels: ["work_stream=\"retail-app\"", "queue=\"billing\""]) == "1", "\(metrics)")
        #expect(Self.sample(metrics, "switchboard_router_conversations_routed_total", labels: ["work_stream=\"retail-app\"", "queue=\"support\""]) == "1")
        #expect(Self.sample(metrics, "switchboard_router_fallbacks_total", labels: ["work_stream=\"retail-app\""]) == "1")
        #expect(Self.sample(metrics, "switchboard_router_rule_evaluation_errors_total", labels: ["work_stream=\"retail-app\""]) == "0")
        #expect(Self.sample(metrics, "switchboard_router_duplicates_total", labels: []) != nil)

        // A dead distributor: listed as unreachable, its queue's waiting count unknown, exit 1.
        grace.disconnect()
        try await system.kill9(.distributor2)
        let partial = try SwitchboardRun.run(
            ["status", "--config", system.configPath, "--json"], in: URL(fileURLWithPath: system.directory.path), environment: [
                "SWITCHBOARD_OPERATOR_SECRET": secret
            ])
        #expect(partial.status == 1, "\(partial.stdout)\n\(partial.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(partial.stdout.utf8)) as? [String: Any], "\(partial.stdout)")
        let processes = try #require(json["processes"] as? [[String: Any]])
        #expect(processes.first { $0["process"] as? String == "distributor-2" }?["state"] as? String == "unreachable")
        #expect(processes.first { $0["process"] as? String == "router" }?["state"] as? String == "ok")
        let merged = try #require(json["queues"] as? [[String: Any]])
        #expect(merged.first { $0["name"] as? String == "billing" }?["waiting"] as? Int == 1)
        #expect(merged.first { $0["name"] as? String == "support" }?["waiting"] == nil)
    }

    static func status(_ base: String, bearer: String) async throws -> RunningSystem.HTTPResult {
        var request = HTTPClientRequest(url: "\(base)/status")
        request.headers.add(name: "Authorization", value: "Bearer \(bearer)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return RunningSystem.HTTPResult(status: Int(response.status.code), body: String(buffer: body))
    }

    /// The rows of one table of the command's output, split on runs of blanks, by first cell.
    static func rows(_ output: String, section: String) -> [String: [String]] {
        let blocks = output.components(separatedBy: "\n\n")
        guard let block = blocks.first(where: { $0.hasPrefix(section + "\n") }) else { return [:] }
        var rows: [String: [String]] = [:]
        for line in block.split(separator: "\n").dropFirst(2) {
            let cells = line.split(whereSeparator: { $0 == " " }).map(String.init)
            if let first = cells.first { rows[first] = cells }
        }
        return rows
    }

    /// The value of the Prometheus sample of `name` whose labels include all of `labels`.
    static func sample(_ metrics: String, _ name: String, labels: [String]) -> String? {
        for line in metrics.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            guard labels.allSatisfy({ line.contains($0) }) else { continue }
            return line.split(separator: " ").last.map(String.init)
        }
        return nil
    }
}
