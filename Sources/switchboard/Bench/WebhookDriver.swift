import AsyncHTTPClient
import Foundation
import Ingress

/// What a load driver tells about each conversation it sends (the bench's tracker, chaos's ledger).
protocol LoadRecorder: Sendable {
    func sent(_ number: Int, at time: UInt64)
    /// The send did not take (no 2xx, or no answer): the conversation may never arrive.
    func sendFailed(_ number: Int, reason: String)
    /// The entry point answered 2xx: the system promised to keep the conversation.
    func sendSucceeded(_ number: Int)
}

extension ConversationTracker: LoadRecorder {
    func sendSucceeded(_ number: Int) {}
}

/// Drives conversations in as signed custom-channel webhooks at `ingress-custom` (the full
/// path): `connections` concurrent requests at most, each a new customer, so a new
/// conversation. A conversation counts as sent when its request goes out. With `attempts`
/// above 1, a request that got no 2xx is sent again (the same message id), as a provider retries.
struct WebhookDriver: Sendable {
    let topology: BenchTopology
    let tracker: any LoadRecorder
    let connections: Int
    var attempts = 1
    var retryPause: Duration = .milliseconds(500)

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
        guard let request = request(number, signer: signer) else {
            tracker.sendFailed(number, reason: "cannot build the webhook")
            return
        }
        tracker.sent(number, at: BenchClock.now())
        var failure = ""
        for attempt in 1...max(attempts, 1) {
            if attempt > 1 { try? await Task.sleep(for: retryPause) }
            do {
                let response = try await http.execute(request, timeout: .seconds(30))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if (200..<300).contains(response.status.code) {
                    tracker.sendSucceeded(number)
                    return
                }
                failure = "webhook answered \(response.status.code)"
            } catch {
                failure = "webhook failed: \(type(of: error))"
            }
        }
        tracker.sendFailed(number, reason: failure)
    }

    /// A signed custom-channel webhook, or (for the topology's SMS share) a signed Twilio one.
    private func request(_ number: Int, signer: CustomChannelSignature) -> HTTPClientRequest? {
        if topology.arrivesBySMS(number) {
            guard let address = topology.addresses.smsHTTP, let (body, signature) = topology.smsWebhook(number: number) else { return nil }
            var request = HTTPClientRequest(url: "http://\(address)\(BenchTopology.smsWebhookPath)")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.headers.add(name: TwilioSignature.header, value: signature)
            request.body = .bytes(Array(body.utf8))
            return request
        }
        let route = topology.route(number)
        let body = Self.body(number: number, tier: route.tier, amount: route.amount)
        let (timestamp, signature) = signer.sign(body: body, now: Date())
        var request = HTTPClientRequest(url: "http://\(topology.addresses.customHTTP)/channels/custom/\(route.channel)/messages")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: CustomChannelSignature.timestampHeader, value: timestamp)
        request.headers.add(name: CustomChannelSignature.signatureHeader, value: signature)
        request.body = .bytes(body)
        return request
    }

    /// The webhook body of conversation `number` (docs/channels/custom.md), built by hand: the
    /// bench should spend its CPU on load, not on JSONSerialization.
    static func body(number: Int, tier: String, amount: Int) -> [UInt8] {
        let text = ConversationTracker.text(number)
        let json = #"{"messageId":"bench-m-\#(number)","customer":{"id":"bench-customer-\#(number)"},"text":"\#(text)","context":{"tier":"\#(tier)","amount":\#(amount)}}"#
        return Array(json.utf8)
    }
}
