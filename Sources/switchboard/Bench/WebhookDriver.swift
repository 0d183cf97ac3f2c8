import AsyncHTTPClient
import Foundation
import Ingress

/// Drives conversations in as signed custom-channel webhooks at `ingress-custom` (the full
/// path): `connections` concurrent requests at most, each a new customer, so a new
/// conversation. A conversation counts as sent when its request goes out.
struct WebhookDriver: Sendable {
    let topology: BenchTopology
    let tracker: ConversationTracker
    let connections: Int

    func run(pacer: LoadPacer) async {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let signer = CustomChannelSignature(secret: Array(topology.channelSecret.utf8))
        await withDiscardingTaskGroup { group in
            for _ in 0..<connections {
                group.addTask {
                    while let number = await pacer.next() {
                        await send(number, http: http, signer: signer)
                    }
                }
            }
        }
        try? await http.shutdown()
    }

    private func send(_ number: Int, http: HTTPClient, signer: CustomChannelSignature) async {
        let route = topology.route(number)
        let body = Self.body(number: number, tier: route.tier, amount: route.amount)
        let (timestamp, signature) = signer.sign(body: body, now: Date())
        var request = HTTPClientRequest(url: "http://\(topology.addresses.customHTTP)/channels/custom/\(route.channel)/messages")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: CustomChannelSignature.timestampHeader, value: timestamp)
        request.headers.add(name: CustomChannelSignature.signatureHeader, value: signature)
        request.body = .bytes(body)
        tracker.sent(number, at: BenchClock.now())
        do {
            let response = try await http.execute(request, timeout: .seconds(30))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            if response.status.code != 202 { tracker.sendFailed(number, reason: "webhook answered \(response.status.code)") }
        } catch {
            tracker.sendFailed(number, reason: "webhook failed: \(type(of: error))")
        }
    }

    /// The webhook body of conversation `number` (docs/channels/custom.md), built by hand: the
    /// bench should spend its CPU on load, not on JSONSerialization.
    static func body(number: Int, tier: String, amount: Int) -> [UInt8] {
        let text = ConversationTracker.text(number)
        let json = #"{"messageId":"bench-m-\#(number)","customer":{"id":"bench-customer-\#(number)"},"text":"\#(text)","context":{"tier":"\#(tier)","amount":\#(amount)}}"#
        return Array(json.utf8)
    }
}
