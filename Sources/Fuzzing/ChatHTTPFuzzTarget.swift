import Foundation
import HTTPTypes
import Ingress
import Logging
import Storage

/// The chat widget's HTTP routes (page, script, stylesheet, the socket's URL without an
/// upgrade): any method, path, origin and body; nothing is ever stored from them.
struct ChatHTTPFuzzTarget: FuzzTarget {
    let name = "chat-http"
    let about = "any request to /chat/:channelId[/widget.js|/widget.css|/ws]: methods, paths, origins, bodies"

    func run(seed: UInt64, iterations: Int, logger: Logger) async throws -> FuzzTally {
        let directory = FuzzDirectory()
        defer { directory.remove() }
        let data = try directory.data(process: "ingress-chat")
        let hub = ChatHub(configuration: try FuzzConfiguration.load(), store: try ChatVisitorStore(directory: data))
        let harness = WebhookHarness(target: name, adapter: ChatChannelAdapter(hub: hub), store: try OutboxStore(directory: data), logger: logger)
        return try await harness.run(seed: seed, iterations: iterations) { random in Self.input(&random) }
    }

    static let methods: [HTTPRequest.Method] = [.get, .get, .get, .post, .put, .delete, .head, .options, .patch]
    static let suffixes = ["", "/", "/ws", "/widget.js", "/widget.css", "/x", "/ws/extra", "?q=1", "/%00", "/..%2f", "/ws?token=a", "//ws"]

    static func input(_ random: inout SplitMix64) -> WebhookInput {
        let channel = random.chance(1, in: 2) ? "web-chat" : random.token("abcdefghijklmnopqrstuvwxyz0123456789-_.%", maximumCount: 40)
        let uri = "/chat/\(channel)\(random.pick(suffixes))"
        var headers = HTTPFields()
        if random.chance(1, in: 2) {
            headers[.origin] = random.pick([
                FuzzConfiguration.chatOrigin, "https://evil.example", "null", "", random.token(), "https://www.northwind.example:99999",
                "HTTPS://WWW.NORTHWIND.EXAMPLE", "https://[::1", "http://",
            ])
        }
        if random.chance(1, in: 3) { headers[.upgrade] = "websocket" }
        if random.chance(1, in: 3), let host = HTTPField.Name("Host") { headers[host] = random.pick(["www.northwind.example", "127.0.0.1:1", "", "[::1]:8080", random.token()]) }
        let body = random.chance(1, in: 2) ? random.bytes(random.index(256)) : []
        return WebhookInput(method: random.pick(methods), uri: uri, headers: headers, body: body, signed: false, label: "request")
    }
}
