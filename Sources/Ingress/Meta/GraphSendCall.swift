import AsyncHTTPClient
import Foundation

/// One POST to a Graph API send endpoint (Messenger, WhatsApp) and what its answer means
/// for the reply outbox (M1): accepted with the provider's id, worth retrying, or never
/// going to work.
struct GraphSendCall: Sendable {
    /// Error codes Meta documents as temporary or rate limits, whatever the HTTP status:
    /// 1/2 unknown or service error, 4/17/32/613/80006/80007 rate limits, 130429 WhatsApp
    /// throughput, 131016 WhatsApp service unavailable, 131056 WhatsApp pair rate limit.
    static let transientErrorCodes: Set<Int> = [1, 2, 4, 17, 32, 613, 80006, 80007, 130429, 131016, 131056]
    /// Answers are small; a larger one is not a send answer.
    static let maximumAnswerBytes = 1 << 20

    let http: HTTPClient
    let timeout: Duration

    /// Posts `body` as JSON to the target with its token as a Bearer header (never in the
    /// URL, which ends up in logs); `messageID` picks the sent message's id out of a 2xx answer.
    func post<Body: Encodable, Answer: Decodable>(
        to target: MetaSendTargets.Target, body: Body, answer: Answer.Type, messageID: (Answer) -> String?
    ) async -> ProviderSendOutcome {
        guard let json = try? JSONEncoder().encode(body) else { return .permanent(reason: "the reply cannot be encoded as JSON") }
        let url = target.messagesURL
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer " + String(decoding: target.accessToken, as: UTF8.self))
        request.body = .bytes(Array(json))
        let response: HTTPClientResponse
        do {
            let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            response = try await http.execute(request, timeout: .nanoseconds(nanoseconds))
        } catch {
            return .retryable(reason: "Graph API not reached (\(url)): \(error)")
        }
        let status = response.status.code
        // An unreadable answer body still has its status: a 2xx is a sent message.
        let bytes = (try? await response.body.collect(upTo: Self.maximumAnswerBytes)).map { Array(buffer: $0) } ?? []
        if (200..<300).contains(status) {
            // Sent: the message is out even if its id cannot be read, so never retry it.
            let id = (try? JSONDecoder().decode(Answer.self, from: Data(bytes))).flatMap(messageID) ?? ""
            return .sent(providerMessageID: id)
        }
        return Self.failure(status: status, body: bytes)
    }

    static func failure(status: UInt, body: [UInt8]) -> ProviderSendOutcome {
        let error = (try? JSONDecoder().decode(GraphErrorAnswer.self, from: Data(body)))?.error
        var reason = "Graph API answered \(status)"
        if let error {
            let details = [error.code.map { "code \($0)" }, error.subcode.map { "subcode \($0)" }].compactMap { $0 }
            reason += ": " + String((error.message ?? "no message").prefix(300))
            if !details.isEmpty { reason += " (\(details.joined(separator: ", ")))" }
        }
        let transient = status == 408 || status == 429 || status >= 500 || error?.isTransient == true
            || error?.code.map(transientErrorCodes.contains) == true
        return transient ? .retryable(reason: reason) : .permanent(reason: reason)
    }
}

/// `{"error":{"message":…,"code":…,"error_subcode":…,"is_transient":…}}`.
struct GraphErrorAnswer: Decodable {
    var error: GraphError?

    struct GraphError: Decodable {
        var message: String?
        var code: Int?
        var subcode: Int?
        var isTransient: Bool?

        enum CodingKeys: String, CodingKey {
            case message, code
            case subcode = "error_subcode"
            case isTransient = "is_transient"
        }
    }
}
