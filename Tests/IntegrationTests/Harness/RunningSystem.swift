import AsyncHTTPClient
import Foundation
import Ingress
import SwitchboardTestSupport
import Synchronization
import Testing

/// The real executables on random loopback ports, with a configuration and a data directory
/// of their own: what the integration tests start, kill -9, restart and stop (by pid).
final class RunningSystem: Sendable {
    enum Part: String, CaseIterable, Sendable {
        case router, presence, distributor1 = "distributor-1", distributor2 = "distributor-2", ingressCustom = "ingress-custom"
        /// Configured only in a system made with `chat: true`.
        case ingressChat = "ingress-chat"

        var executable: String {
            switch self {
            case .distributor1, .distributor2: "distributor"
            default: rawValue
            }
        }
    }

    struct Ports: Sendable {
        let routerIngress, routerDistributors, routerHTTP: Int
        let presenceRequests, presenceUpdates, presenceHTTP: Int
        let distributor1HTTP, distributor2HTTP, ingressCustomHTTP, ingressChatHTTP: Int
        /// Where the custom channel's replies go (a test's `FakeCallbackServer`).
        let customCallback: Int

        func http(_ part: Part) -> Int {
            switch part {
            case .router: routerHTTP
            case .presence: presenceHTTP
            case .distributor1: distributor1HTTP
            case .distributor2: distributor2HTTP
            case .ingressCustom: ingressCustomHTTP
            case .ingressChat: ingressChatHTTP
            }
        }
    }

    let directory: TemporaryDirectory
    let ports: Ports
    let secrets: [String: String] = [
        "SWITCHBOARD_OPERATOR_SECRET": "operator-secret-for-tests",
        "MOBILE_APP_SHARED_SECRET": "mobile-app-shared-secret",
        "SWITCHBOARD_AGENT_ADA_SECRET": "ada-secret",
        "SWITCHBOARD_AGENT_GRACE_SECRET": "grace-secret",
    ]
    private let running = MutexBox<[Part: Process]>([:])
    /// Processes outside `Part` (a standby distributor), by the name they log under.
    private let extras = MutexBox<[String: Process]>([:])
    private let binDirectory: URL

    var configPath: String { directory.path + "/switchboard.yaml" }

    /// The secrets, and the test process as the children's supervisor: if the test process
    /// dies (a crash), its children stop by themselves (ParentWatch) instead of lingering.
    var childEnvironment: [String: String] {
        ProcessInfo.processInfo.environment.merging(secrets) { _, new in new }
            .merging(["SWITCHBOARD_SUPERVISOR_PID": "\(getpid())"]) { _, new in new }
    }
    var presenceHTTP: String { "127.0.0.1:\(ports.presenceHTTP)" }
    var webhookURL: String { "http://127.0.0.1:\(ports.ingressCustomHTTP)/channels/custom/mobile-app/messages" }
    /// The chat widget page of a system made with `chat: true`.
    var chatWidgetURL: String { "http://127.0.0.1:\(ports.ingressChatHTTP)/chat/site-chat" }

    /// `chat`: also configure ingress-chat with the `site-chat` widget and its work stream
    /// (off by default, so `switchboard up` and the other tests see the same processes as before).
    init(chat: Bool = false) throws {
        directory = try TemporaryDirectory("switchboard-system")
        let p = try FreePorts.allocate(11)
        ports = Ports(
            routerIngress: p[0], routerDistributors: p[1], routerHTTP: p[2], presenceRequests: p[3], presenceUpdates: p[4],
            presenceHTTP: p[5], distributor1HTTP: p[6], distributor2HTTP: p[7], ingressCustomHTTP: p[8], ingressChatHTTP: p[10],
            customCallback: p[9])
        binDirectory = try SwitchboardRun.executable().deletingLastPathComponent()
        try Self.configuration(ports, chat: chat).write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    // MARK: processes

    func start(_ parts: [Part]) throws {
        for part in parts { try start(part) }
    }

    func start(_ part: Part) throws {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent(part.executable)
        var arguments = ["--config", configPath, "--data-dir", directory.path + "/data", "--log-level", "debug"]
        if part.executable == "distributor" { arguments += ["--name", part.rawValue] }
        process.arguments = arguments
        process.environment = childEnvironment
        let log = logPath(part)
        if !FileManager.default.fileExists(atPath: log) { _ = FileManager.default.createFile(atPath: log, contents: nil) }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        running.withLock { $0[part] = process }
    }

    /// A distributor that is not in the configuration (`--name`, `--queues`, `--http`): a
    /// standby or a replacement. Its log is `<name>.log`.
    @discardableResult
    func startDistributor(name: String, queues: [String], httpPort: Int) throws -> Process {
        let process = Process()
        process.executableURL = binDirectory.appendingPathComponent("distributor")
        process.arguments = [
            "--config", configPath, "--data-dir", directory.path + "/data", "--log-level", "debug",
            "--name", name, "--queues", queues.joined(separator: ","), "--http", "127.0.0.1:\(httpPort)",
        ]
        process.environment = childEnvironment
        let log = directory.path + "/\(name).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        extras.withLock { $0[name] = process }
        return process
    }

    /// Waits for a process to exit by itself; its exit status.
    func exitStatus(of process: Process, within limit: Duration) async throws -> Int32 {
        try await waitForExit(process, within: limit)
        return process.terminationStatus
    }

    func log(named name: String) -> String {
        (try? String(contentsOfFile: directory.path + "/\(name).log", encoding: .utf8)) ?? ""
    }

    func pid(_ part: Part) -> Int32? { running.withLock { $0[part]?.processIdentifier } }

    /// kill -9: no goodbye, no flush.
    func kill9(_ part: Part) async throws {
        guard let process = running.withLock({ $0.removeValue(forKey: part) }) else { return }
        kill(process.processIdentifier, SIGKILL)
        try await waitForExit(process, within: .seconds(5))
    }

    /// SIGTERM; returns how long the graceful stop took. SIGKILL after `limit`.
    @discardableResult
    func terminate(_ part: Part, within limit: Duration = .seconds(15)) async throws -> Duration {
        guard let process = running.withLock({ $0.removeValue(forKey: part) }) else { return .zero }
        let started = ContinuousClock.now
        kill(process.processIdentifier, SIGTERM)
        do {
            try await waitForExit(process, within: limit)
        } catch {
            kill(process.processIdentifier, SIGKILL)
            throw error
        }
        return ContinuousClock.now - started
    }

    /// Ends everything this system started, by pid, bounded; then removes its files.
    func stopAll() async {
        let processes = running.withLock { all in
            defer { all.removeAll() }
            return Array(all.values)
        } + extras.withLock { all in
            defer { all.removeAll() }
            return all.values.filter(\.isRunning)
        }
        for process in processes { kill(process.processIdentifier, SIGTERM) }
        for process in processes {
            if (try? await waitForExit(process, within: .seconds(10))) == nil {
                kill(process.processIdentifier, SIGKILL)
                try? await waitForExit(process, within: .seconds(5))
            }
        }
        directory.remove()
    }

    private func waitForExit(_ process: Process, within limit: Duration) async throws {
        try await withTimeout(limit, "exit of pid \(process.processIdentifier)") {
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        }
    }

    func logPath(_ part: Part) -> String { directory.path + "/\(part.rawValue).log" }

    /// The last lines a part logged, for failure messages.
    func logTail(_ part: Part, lines: Int = 30) -> String {
        let text = (try? String(contentsOfFile: logPath(part), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    func logTails() -> String {
        Part.allCases.map { "--- \($0.rawValue)\n\(logTail($0, lines: 15))" }.joined(separator: "\n")
    }

    // MARK: HTTP

    func waitHealthy(_ parts: [Part], within limit: Duration = .seconds(30)) async throws {
        for part in parts {
            try await withTimeout(limit, "\(part.rawValue) healthy\n\(logTail(part))") {
                while true {
                    if let status = try? await self.get("http://127.0.0.1:\(self.ports.http(part))/healthz").status, status == 200 { return }
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
        }
    }

    struct HTTPResult: Sendable {
        let status: Int
        let body: String
    }

    func get(_ url: String) async throws -> HTTPResult {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return HTTPResult(status: Int(response.status.code), body: String(buffer: body))
    }

    /// POSTs a custom-channel message signed with `secret` (the right one unless a test forges it).
    func postMessage(
        messageID: String, customer: String, text: String, context: [String: Any] = [:], secret: String? = nil,
        channel: String = "mobile-app"
    ) async throws -> HTTPResult {
        let body: [String: Any] = ["messageId": messageID, "customer": ["id": customer], "text": text, "context": context]
        let bytes = Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        let signer = CustomChannelSignature(secret: Array((secret ?? secrets["MOBILE_APP_SHARED_SECRET"] ?? "").utf8))
        let (timestamp, signature) = signer.sign(body: bytes, now: Date())
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(ports.ingressCustomHTTP)/channels/custom/\(channel)/messages")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: CustomChannelSignature.timestampHeader, value: timestamp)
        request.headers.add(name: CustomChannelSignature.signatureHeader, value: signature)
        request.body = .bytes(bytes)
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let answer = try await response.body.collect(upTo: 1 << 20)
        return HTTPResult(status: Int(response.status.code), body: String(buffer: answer))
    }

    // MARK: configuration

    static func configuration(_ ports: Ports, chat: Bool = false) -> String {
        let chatIngress = chat ? "\n    chat: { http: 127.0.0.1:\(ports.ingressChatHTTP) }" : ""
        let chatChannel = chat ? """

              - id: site-chat
                type: chat
                workStream: site-chat
                title: Northwind test chat
            """ : ""
        let chatWorkStream = chat ? """

              - name: site-chat
                channelType: chat
                channels: [site-chat]
                capacity: 1
                distribution: push
                allowedPresences: [available, busy]
                contextVariables:
                  - { displayName: Topic, type: text }
                  - { displayName: Order total, name: orderTotal, type: number }
                routingRules:
                  - name: big-orders
                    queue: billing
                    condition: { variable: orderTotal, op: ge, value: 1000 }
                fallbackQueue: support
            """ : ""
        return """
        version: 1
        system:
          dataDir: ./data
          operatorSecret: { env: SWITCHBOARD_OPERATOR_SECRET }
          agentDisconnectGracePeriod: 150s
        processes:
          router:
            ingressEndpoint: tcp://127.0.0.1:\(ports.routerIngress)
            distributorEndpoint: tcp://127.0.0.1:\(ports.routerDistributors)
            http: 127.0.0.1:\(ports.routerHTTP)
          presence:
            requestEndpoint: tcp://127.0.0.1:\(ports.presenceRequests)
            updatesEndpoint: tcp://127.0.0.1:\(ports.presenceUpdates)
            http: 127.0.0.1:\(ports.presenceHTTP)
          distributors:
            - name: distributor-1
              queues: [billing]
              http: 127.0.0.1:\(ports.distributor1HTTP)
            - name: distributor-2
              queues: [support, quick, picks]
              http: 127.0.0.1:\(ports.distributor2HTTP)
          ingress:
            custom: { http: 127.0.0.1:\(ports.ingressCustomHTTP) }\(chatIngress)
        channels:
          - id: mobile-app
            type: custom
            workStream: retail-app
            sharedSecret: { env: MOBILE_APP_SHARED_SECRET }
            callbackUrl: http://127.0.0.1:\(ports.customCallback)/replies
          - id: mobile-lifecycle
            type: custom
            workStream: lifecycle-app
            sharedSecret: { env: MOBILE_APP_SHARED_SECRET }
            callbackUrl: http://127.0.0.1:\(ports.customCallback)/replies
          - id: mobile-pick
            type: custom
            workStream: pick-app
            sharedSecret: { env: MOBILE_APP_SHARED_SECRET }
            callbackUrl: http://127.0.0.1:\(ports.customCallback)/replies\(chatChannel)
        workStreams:
          - name: retail-app
            channelType: custom
            channels: [mobile-app]
            capacity: 1
            distribution: push
            allowedPresences: [available, busy]
            contextVariables:
              - { displayName: Topic, type: text }
            routingRules:
              - name: billing-topics
                queue: billing
                condition: { variable: topic, op: contains, value: invoice }
            fallbackQueue: support
          # Short timers for the lifecycle tests: 2 s offers, one decline, away on a miss,
          # affinity, auto-close after 5 s of quiet (longer than a 2 s offer made up to 3 s late, so the offer-expiry test is not closed under).
          - name: lifecycle-app
            channelType: custom
            channels: [mobile-lifecycle]
            capacity: 1
            distribution: push
            allowedPresences: [available, busy]
            agentAffinity: true
            autoCloseAfterInactivity: 5s
            fallbackQueue: quick
          # Wrap-up holds no capacity: after a presence restart no reservation names it.
          - name: pick-app
            channelType: custom
            channels: [mobile-pick]
            capacity: 1
            distribution: pick
            wrapUpCapacity: never
            allowedPresences: [available, busy]
            fallbackQueue: picks\(chatWorkStream)
        queues:
          - name: billing
            priority: 1
            agents: [ada]
            assignment: roundRobin
            offerTimeout: 30s
          - name: support
            priority: 2
            agents: [ada, grace]
            assignment: highestCapacity
            offerTimeout: 30s
          - name: quick
            priority: 3
            agents: [ada, grace]
            assignment: roundRobin
            offerTimeout: 2s
            maxDeclines: 1
            onMissedOffer: away
          - name: picks
            priority: 4
            agents: [ada, grace]
            assignment: roundRobin
        agents:
          - id: ada
            name: Ada Lovelace
            capacity: 2
            secret: { env: SWITCHBOARD_AGENT_ADA_SECRET }
          - id: grace
            name: Grace Hopper
            capacity: 2
            secret: { env: SWITCHBOARD_AGENT_GRACE_SECRET }

        """
    }
}

/// A lock-protected value shared with the tests' tasks.
final class MutexBox<Value: Sendable>: Sendable {
    private let mutex: Synchronization.Mutex<Value>
    init(_ value: Value) { mutex = .init(value) }
    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}
