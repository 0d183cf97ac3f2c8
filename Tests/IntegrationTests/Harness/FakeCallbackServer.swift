import Foundation
import HTTPTypes
import Hummingbird
import Ingress
import Logging

/// The customer's side of a custom channel: an HTTP server on loopback that records every
/// reply POSTed to its `/replies` and checks its signature with the channel's shared secret.
final class FakeCallbackServer: Sendable {
    struct Received: Sendable {
        let body: [String: String]
        let customerID: String
        let signatureValid: Bool
        let idempotencyKey: String
    }

    private let received = MutexBox<[Received]>([])
    private let task = MutexBox<Task<Void, Never>?>(nil)
    let port: Int
    private let signature: CustomChannelSignature

    init(port: Int, sharedSecret: String) {
        self.port = port
        signature = CustomChannelSignature(secret: Array(sharedSecret.utf8))
    }

    var replies: [Received] { received.withLock { $0 } }

    func start() {
        let router = Router()
        let received = self.received
        let signature = self.signature
        router.post("/replies") { request, _ -> HTTPResponse.Status in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let bytes = Array(buffer.readableBytesView)
            func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { request.headers[$0] } }
            let valid = signature.check(
                signature: header(CustomChannelSignature.signatureHeader), timestamp: header(CustomChannelSignature.timestampHeader),
                body: bytes, now: Date()) == .valid
            let object = (try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]) ?? [:]
            let strings = object.compactMapValues { $0 as? String }
            let customer = ((object["customer"] as? [String: Any])?["id"] as? String) ?? ""
            let key = header("Idempotency-Key") ?? ""
            received.withLock { $0.append(Received(body: strings, customerID: customer, signatureValid: valid, idempotencyKey: key)) }
            return .ok
        }
        var logger = Logger(label: "fake-callback")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        task.withLock { $0 = Task { try? await app.runService() } }
    }

    func stop() {
        task.withLock {
            $0?.cancel()
            $0 = nil
        }
    }
}
