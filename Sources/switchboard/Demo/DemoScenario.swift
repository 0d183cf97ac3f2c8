import AsyncHTTPClient
import Foundation
import Ingress
import Logging
import ServiceLifecycle
import SwitchboardCore

/// What `switchboard up --demo` does once the processes run: connects every configured
/// agent as a simulated agent, sends sample conversations as signed webhooks to
/// `ingress-custom`, then a follow-up message, and prints each step as it travels. It
/// succeeds when every conversation reached Active with an agent and the follow-up reached
/// that agent; then the whole system is stopped (unless asked to keep running).
struct DemoScenario: Service {
    let configuration: SwitchboardConfiguration
    let secrets: [String: String]
    let keepRunning: Bool
    let logger: Logger
    let say: @Sendable (String) -> Void

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    func run() async throws {
        guard let channel = configuration.channels.first(where: { $0.provider.channelType == .custom }),
            case .custom(let settings) = channel.provider,
            let ingress = configuration.processes.ingress[.custom],
            let secret = secrets[settings.sharedSecret.environmentVariable]
        else {
            throw Failure(description: "the demo needs a custom channel with ingress-custom configured")
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = http.shutdown() }

        try await waitUntilHealthy(http)
        let agents = configuration.agents.compactMap { agent in
            secrets[agent.secret.environmentVariable].map {
                DemoAgent(id: agent.id, secret: $0, presenceHTTP: "\(configuration.processes.presence.http)", say: say)
            }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for agent in agents {
                group.addTask { try await agent.run(logger: logger) }
            }
            try await waitFor("agents connected", within: .seconds(20)) { agents.allSatisfy { $0.snapshot.welcomed } }
            try await Task.sleep(for: .seconds(1))  // distributors see the agents' presence

            let signer = CustomChannelSignature(secret: Array(secret.utf8))
            let base = "http://\(ingress.http)/channels/custom/\(channel.id)/messages"
            let run = UInt64.random(in: 0..<UInt64.max)
            let samples: [(customer: String, name: String?, text: String, context: [String: Any])] = [
                ("demo-\(run)-1", nil, "My cart won't check out", ["cartItems": 3, "appVersion": "2.4.1"]),
                ("demo-\(run)-2", "Grace Example", "How do I change my address?", [:]),
                ("demo-\(run)-3", nil, "The app crashes on start", ["appVersion": "2.4.1"]),
            ]
            for (index, sample) in samples.enumerated() {
                var customer: [String: Any] = ["id": sample.customer]
                if let name = sample.name { customer["displayName"] = name }
                let body: [String: Any] = ["messageId": "\(sample.customer)-m1", "customer": customer, "text": sample.text, "context": sample.context]
                try await post(http, url: base, body: body, signer: signer, label: "customer \(index + 1) → \(channel.id): \"\(sample.text)\"")
            }
            try await waitFor("every conversation Active", within: .seconds(30)) {
                agents.reduce(0) { $0 + $1.snapshot.accepted.count } >= samples.count
            }
            let followUp = "Any news?"
            try await post(
                http, url: base,
                body: ["messageId": "\(samples[0].customer)-m2", "customer": ["id": samples[0].customer], "text": followUp],
                signer: signer, label: "customer 1 → \(channel.id): \"\(followUp)\" (follow-up)")
            try await waitFor("follow-up delivered to the agent", within: .seconds(30)) {
                agents.contains { $0.snapshot.messages.values.contains { $0.contains(followUp) } }
            }
            say("demo: \(samples.count) conversations went from a signed webhook through router and distributors to agents; the follow-up reached its agent")
            if keepRunning {
                say("demo: done; the system keeps running (Ctrl-C stops it)")
                try await gracefulShutdown()
            }
            group.cancelAll()
        }
    }

    private func post(_ http: HTTPClient, url: String, body: [String: Any], signer: CustomChannelSignature, label: String) async throws {
        let bytes = Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        let (timestamp, signature) = signer.sign(body: bytes, now: Date())
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: CustomChannelSignature.timestampHeader, value: timestamp)
        request.headers.add(name: CustomChannelSignature.signatureHeader, value: signature)
        request.body = .bytes(bytes)
        let response = try await http.execute(request, timeout: .seconds(10))
        say("\(label) — \(response.status.code) \(response.status.reasonPhrase)")
        guard response.status.code == 202 else { throw Failure(description: "\(url) answered \(response.status.code)") }
    }

    private func waitUntilHealthy(_ http: HTTPClient) async throws {
        let processes = configuration.processes
        var addresses = [("router", processes.router.http), ("presence", processes.presence.http)]
        addresses += processes.distributors.map { ($0.name, $0.http) }
        addresses += processes.ingress.sorted { $0.key.rawValue < $1.key.rawValue }.map { ("ingress-\($0.key.rawValue)", $0.value.http) }
        for (name, address) in addresses {
            try await waitFor("\(name) healthy", within: .seconds(60)) {
                let request = HTTPClientRequest(url: "http://\(address)/healthz")
                guard let response = try? await http.execute(request, timeout: .seconds(1)) else { return false }
                return response.status.code == 200
            }
            say("\(name) is up (http://\(address)/healthz)")
        }
    }

    private func waitFor(_ what: String, within limit: Duration, _ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: limit)
        while await !condition() {
            guard ContinuousClock.now < deadline else { throw Failure(description: "demo: timed out waiting for \(what)") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}
