import Foundation
import HTTPTypes
import Hummingbird
import Ingress
import Logging
import Synchronization

/// The customer's side of the chaos run's custom channels: an HTTP server on loopback, inside
/// the chaos process, that the channels' `callbackUrl` points at. It records every reply POSTed
/// to it (reply id, Idempotency-Key, whether the signature holds, the reply token in the text)
/// and answers 200, as a provider that takes every reply.
final class FakeProvider: Sendable {
    static let path = "/replies"

    private let posts = Mutex<[ChaosEvidence.ProviderPost]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let signature: CustomChannelSignature
    let port: Int

    init(port: Int, sharedSecret: String) {
        self.port = port
        signature = CustomChannelSignature(secret: Array(sharedSecret.utf8))
    }

    var url: String { "http://127.0.0.1:\(port)\(Self.path)" }
    var received: [ChaosEvidence.ProviderPost] { posts.withLock { $0 } }
    var receivedTokens: Set<String> { posts.withLock { Set($0.compactMap(\.token)) } }

    func start() {
        let router = Router()
        let signature = self.signature
        router.post(RouterPath(stringLiteral: Self.path)) { request, _ -> HTTPResponse.Status in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let bytes = Array(buffer.readableBytesView)
            func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { request.headers[$0] } }
            let valid = signature.check(
                signature: header(CustomChannelSignature.signatureHeader), timestamp: header(CustomChannelSignature.timestampHeader),
                body: bytes, now: Date()) == .valid
            let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
            let text = object["text"] as? String ?? ""
            let token = text.hasPrefix(ChaosAgent.replyPrefix) ? String(text.dropFirst(ChaosAgent.replyPrefix.count)) : nil
            let post = ChaosEvidence.ProviderPost(
                replyID: object["replyId"] as? String ?? "", idempotencyKey: header("Idempotency-Key") ?? "", token: token, signatureValid: valid)
            self.posts.withLock { $0.append(post) }
            return .ok
        }
        var logger = Logger(label: "chaos-fake-provider")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        task.withLock { $0 = Task { try? await app.runService() } }
    }

    func stop() async {
        guard let running = task.withLock({ $0.take() }) else { return }
        running.cancel()
        await running.value
    }
}
