import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ingress
import Logging
import Storage
import SwitchboardCore
import Wire

/// One HTTP request the fuzzer sends, and whether the provider could have sent it.
struct WebhookInput: Sendable {
    var method: HTTPRequest.Method = .post
    var uri: String
    var headers: HTTPFields = [:]
    var body: [UInt8] = []
    /// Correctly signed for its body (re-signed mutations included): the only kind that may be stored.
    var signed: Bool
    /// What kind of input it was, for the findings.
    var label: String
}

/// Drives one adapter through its real request handling: the same `IngressEndpoints` and
/// Hummingbird router the adapter process serves, called in process (no socket), over a
/// real outbox. After every request it reads the adapter's own counters: a new row from an
/// unsigned input, a 5xx or a thrown error is a finding.
struct WebhookHarness {
    let target: String
    let adapter: any ChannelAdapter
    let store: OutboxStore
    /// WhatsApp's delivery receipts: stored from webhooks too, so checked like the outbox.
    var receipts: DeliveryStatusStore?
    let logger: Logger

    func run(seed: UInt64, iterations: Int, next: @escaping @Sendable (inout SplitMix64) -> WebhookInput) async throws -> FuzzTally {
        let metrics = CountingMetrics()
        let ingressMetrics = IngressMetrics(channelType: adapter.channelType, factory: metrics)
        let recorder = InboundRecorder(store: store, ids: MessageIDGenerator(), metrics: ingressMetrics, stored: OutboxSignal())
        let endpoints = IngressEndpoints(adapter: adapter, recorder: recorder, metrics: ingressMetrics, logger: logger)
        let router = Router()
        endpoints.register(on: router)
        let application = Application(router: router, logger: logger)
        let accepted = "switchboard_ingress_accepted_total"
        let type = [("channel_type", adapter.channelType.rawValue)]
        let (target, receipts) = (self.target, self.receipts)
        let start = ContinuousClock.now
        var tally = try await application.test(.router) { client in
            var tally = FuzzTally(target: target, seed: seed)
            var random = SplitMix64(seed: seed)
            var rows = 0
            var receiptCount = 0
            for iteration in 0..<iterations {
                let input = next(&random)
                tally.inputs += 1
                let replay = "replay: switchboard fuzz --target \(target) --seed \(seed) --iterations \(iteration + 1)"
                var status = 0
                LastInput.record(target, iteration, "\(input.method) \(input.uri) \(input.headers)", body: input.body)
                do {
                    status = try await client.execute(
                        uri: input.uri, method: input.method, headers: input.headers, body: ByteBuffer(bytes: input.body)
                    ) { $0.status.code }
                    tally.answer(String(status))
                    if (200..<300).contains(status) { tally.accepted += 1 }
                    if status >= 500 {
                        tally.serverErrors += 1
                        tally.find("\(input.label) input answered \(status) (\(replay))")
                    }
                } catch {
                    tally.crashes += 1
                    tally.find("\(input.label) input threw \(error) (\(replay))")
                }
                var now = Int(metrics.value(accepted, type))
                // Receipts are counted after every input, so rows are charged to the input that
                // stored them whatever it was answered (an adapter may store a batch's receipts
                // and still refuse one of its messages).
                if let receipts {
                    let count = try await receipts.count()
                    now += count - receiptCount
                    receiptCount = count
                }
                let added = now - rows
                if added > 0 {
                    if input.signed {
                        tally.storedSigned += added
                    } else {
                        tally.storedUnsigned += added
                        tally.find("\(input.label) input without a valid signature stored \(added) (\(replay))")
                    }
                }
                rows = now
            }
            return tally
        }
        try await tally.settle(outbox: store, metrics: metrics, channelType: adapter.channelType)
        tally.elapsedSeconds = (ContinuousClock.now - start).seconds
        return tally
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

extension FuzzTally {
    /// After an adapter's run: its own counters must explain every outbox row (nothing reached
    /// the outbox another way), and its rejection counters give the reasons.
    mutating func settle(outbox: OutboxStore, metrics: CountingMetrics, channelType: ChannelType) async throws {
        let pending = try await outbox.pendingCount()
        let counted = Int(metrics.value("switchboard_ingress_accepted_total", [("channel_type", channelType.rawValue)]))
        if pending != counted {
            violations += 1
            find("the outbox holds \(pending) rows but the adapter counted \(counted) stored")
        }
        for (reason, count) in metrics.values("switchboard_ingress_rejected_total", by: "reason") {
            rejections[reason] = Int(count)
        }
    }
}
