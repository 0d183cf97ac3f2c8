import AsyncHTTPClient
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import SwitchboardTestSupport

/// Debian's `chromium`, headless, on one page, driven over the Chrome DevTools Protocol:
/// what the browser test of the chat widget uses. Started on a free debugging port with a
/// profile of its own; `stop()` ends it by pid.
final class HeadlessBrowser: Sendable {
    /// The installed chromium, or nil (the test is skipped, saying so).
    static let executable: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    let process: Process
    let debuggingPort: Int
    private let profile: TemporaryDirectory

    init(opening url: String) throws {
        guard let executable = Self.executable else { throw BrowserError("chromium is not installed") }
        profile = try TemporaryDirectory("switchboard-chromium")
        debuggingPort = try FreePorts.allocate(1)[0]
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
            "--disable-extensions", "--disable-background-networking", "--user-data-dir=\(profile.path)",
            "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=\(debuggingPort)",
            // The DevTools socket refuses other origins; our WebSocket client sends this one.
            "--remote-allow-origins=ws://127.0.0.1", url,
        ]
        let log = profile.path + "/chromium.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    /// Ends chromium (SIGTERM, then SIGKILL) and removes its profile. Bounded.
    func stop() async {
        let pid = process.processIdentifier
        if process.isRunning { kill(pid, SIGTERM) }
        let deadline = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { kill(pid, SIGKILL) }
        let hardDeadline = ContinuousClock.now + .seconds(5)
        while process.isRunning, ContinuousClock.now < hardDeadline { try? await Task.sleep(for: .milliseconds(50)) }
        profile.remove()
    }

    var log: String { (try? String(contentsOfFile: profile.path + "/chromium.log", encoding: .utf8)) ?? "" }

    /// The DevTools WebSocket of the page whose URL starts with `prefix`, once chromium lists it.
    func pageDebuggerURL(startingWith prefix: String, within limit: Duration = .seconds(30)) async throws -> String {
        let endpoint = "http://127.0.0.1:\(debuggingPort)/json/list"
        return try await withTimeout(limit, "chromium's page \(prefix) on port \(debuggingPort)") {
            while true {
                if let response = try? await HTTPClient.shared.execute(HTTPClientRequest(url: endpoint), timeout: .seconds(2)),
                    let body = try? await response.body.collect(upTo: 1 << 20),
                    let targets = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [[String: Any]],
                    let page = targets.first(where: { ($0["type"] as? String) == "page" && (($0["url"] as? String) ?? "").hasPrefix(prefix) }),
                    let url = page["webSocketDebuggerUrl"] as? String
                {
                    return url
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Connects to the page's DevTools socket and runs `body` with it.
    func withPage<T: Sendable>(
        startingWith prefix: String, _ body: @escaping @Sendable (inout DevToolsPage) async throws -> T
    ) async throws -> T {
        let url = try await pageDebuggerURL(startingWith: prefix)
        let result = MutexBox<T?>(nil)
        try await WebSocketClient.connect(
            url: url, configuration: WebSocketClientConfiguration(maxFrameSize: 16 << 20), logger: Logger(label: "devtools")
        ) { inbound, outbound, _ in
            var page = DevToolsPage(inbound: inbound, outbound: outbound)
            let value = try await body(&page)
            result.withLock { $0 = value }
            try await outbound.close(.normalClosure, reason: nil)
        }
        guard let value = result.withLock({ $0 }) else { throw BrowserError("the DevTools session ended early") }
        return value
    }
}

/// One page's DevTools session: `Runtime.evaluate` requests, answered in order.
struct DevToolsPage {
    private let outbound: WebSocketOutboundWriter
    private var answers: WebSocketInboundMessageStream.AsyncIterator
    private var nextID = 0

    init(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) {
        self.outbound = outbound
        answers = inbound.messages(maxSize: 16 << 20).makeAsyncIterator()
    }

    /// Evaluates `expression` in the page; its value (JSON types), or a thrown page exception.
    mutating func evaluate(_ expression: String) async throws -> Any? {
        nextID += 1
        let id = nextID
        let request: [String: Any] = [
            "id": id, "method": "Runtime.evaluate",
            "params": ["expression": expression, "returnByValue": true, "awaitPromise": true],
        ]
        let data = try JSONSerialization.data(withJSONObject: request)
        try await outbound.write(.text(String(decoding: data, as: UTF8.self)))
        while let message = try await answers.next() {
            guard case .text(let text) = message,
                let frame = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                frame["id"] as? Int == id
            else { continue }  // events and other answers
            if let error = frame["error"] as? [String: Any] { throw BrowserError("DevTools: \(error)") }
            let result = frame["result"] as? [String: Any]
            if let exception = result?["exceptionDetails"] { throw BrowserError("page exception: \(exception)") }
            return (result?["result"] as? [String: Any])?["value"]
        }
        throw BrowserError("the DevTools socket closed")
    }

    /// Polls `condition` (a JavaScript boolean expression) until it is true.
    mutating func waitUntil(_ condition: String, _ what: String, within limit: Duration = .seconds(20)) async throws {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await evaluate("Boolean(\(condition))") as? Bool == true { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        let text = try await evaluate("document.body ? document.body.innerText : ''") as? String ?? ""
        throw BrowserError("timed out after \(limit) waiting for \(what); the page shows: \(text)")
    }
}

struct BrowserError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
