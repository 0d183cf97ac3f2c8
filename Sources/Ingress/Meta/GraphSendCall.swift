import AsyncHTTPClient
import Foundation

/// One POST to a Graph API send endpoint (Messenger, WhatsApp), mapped to an M1 outcome by
/// the shared `ProviderAPICall`, plus Meta's own word on what is temporary: its rate limits
/// and transient errors may come with a 400 or 403.
struct GraphSendCall: Sendable {
    /// Error codes Meta documents as temporary or rate limits, whatever the HTTP status:
    /// 1/2 unknown or service error, 4/17/32/613/80006/80007 rate limits, 130429 WhatsApp
    /// throughput, 131016 WhatsApp service unavailable, 131056 WhatsApp pair rate limit.
    static let transientErrorCodes: Set<Int> = [1, 2, 4, 17, 32, 613, 80006, 80007, 130429, 131016, 131056]

    let http: HTTPClient
    let timeout: Duration

    /// Posts `body` as JSON to the target with its token as a Bearer header (never in the
    /// URL, which ends up in logs); `messageID` picks the sent message's id out of a 2xx answer.
    func post<Body: Encodable, Answer: Decodable>(
        to target: MetaSendTargets.Target, body: Body, answer: Answer.Type, messageID: @escaping (Answer) -> String?
    ) async -> ProviderSendOutcome {
        guard let json = try? JSONEncoder().encode(body) else { return .permanent(reason: "the reply cannot be encoded as JSON") }
        return await ProviderAPICall.post(
            target.messagesURL, contentType: "application/json",
            authorization: "Bearer " + String(decoding: target.accessToken, as: UTF8.self), body: Array(json), with: http,
            timeout: timeout, provider: "Graph", isTransient: Self.isTransient
        ) { answer in
            (try? JSONDecoder().decode(Answer.self, from: Data(answer))).flatMap(messageID)
        }
    }

    /// `{"error":{"code":4,"is_transient":true,…}}`: Meta says to try again later.
    static func isTransient(_ body: [UInt8]) -> Bool {
        struct ErrorAnswer: Decodable {
            struct GraphError: Decodable {
                let code: Int?
                let is_transient: Bool?
            }
            let error: GraphError?
        }
        guard let error = (try? JSONDecoder().decode(ErrorAnswer.self, from: Data(body)))?.error else { return false }
        return error.is_transient == true || error.code.map(transientErrorCodes.contains) == true
    }
}
