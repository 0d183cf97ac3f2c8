import Foundation
import HTTPTypes
import Hummingbird
import Ingress
import Logging
import Synchronization

/// The customer's side of the chaos run's channels: an HTTP server on loopback, inside the
/// chaos process. The custom channels' `callbackUrl` points at `/replies`, the SMS channel's
/// `apiBaseUrl` at `/twilio` (Twilio's Messages API). It records every reply POSTed to it
/// (reply id and Idempotency-Key where the API has them, whether the signature or Basic
/// authorization holds, the reply token in the text) and takes every one (200, Twilio's 201).
final class FakeProvider: Sendable {
    static let path = "/replies"
    static let twilioPath = "/twilio"

    private let posts = Mutex<[ChaosEvidence.ProviderPost]>([])
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let signature: CustomChannelSignature
    let port: Int

    /// `Basic base64(AccountSid:AuthToken)`, what the SMS channel's replies must carry.
    private let twilioAuthorization: String

    init(port: Int, sharedSecret: String, twilioAccountSid: String, twilioAuthToken: String) {
        self.port = port
        signature = CustomChannelSignature(secret: Array(sharedSecret.utf8))
        twilioAuthorization = "Basic " + Data("\(twilioAccountSid):\(twilioAuthToken)".utf8).base64EncodedString()
    }

    var url: String { "http://127.0.0.1:\(port)\(Self.path)" }
    var twilioBaseURL: String { "http://127.0.0.1:\(port)\(Self.twilioPath)" }
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
        router.post(RouterPath(stringLiteral: "\(Self.twilioPath)/2010-04-01/Accounts/:account/Messages.json")) { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let authorized = request.headers[.authorization] == self.twilioAuthorization
            let fields = (try? FormURLEncoded.decode(Array(buffer.readableBytesView)).get()) ?? []
            let text = fields.first { $0.name == "Body" }?.value ?? ""
            let token = text.hasPrefix(ChaosAgent.replyPrefix) ? String(text.dropFirst(ChaosAgent.replyPrefix.count)) : nil
            let count = self.posts.withLock { posts in
                posts.append(ChaosEvidence.ProviderPost(replyID: nil, idempotencyKey: nil, token: token, signatureValid: authorized))
                return posts.count
            }
            let body = ByteBuffer(string: #"{"sid":"SM\#(count)","status":"queued"}"#)
            return Response(status: .created, headers: [.contentType: "application/json"], body: .init(byteBuffer: body))
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
