import AsyncHTTPClient
import Foundation
import NIOCore

/// One call to a provider's send API and the M1 outcome its answer maps to, shared by the
/// provider clients so they agree on what is worth retrying:
/// 2xx → `sent`; 408, 429, 5xx, no answer (network error, time-out) → `retryable`, and
/// any other answer the provider's error body marks as temporary (`isTransient`: Meta's
/// rate limits come as 400); anything else → `permanent`, with the provider's own error
/// text in the reason.
public enum ProviderAPICall {
    /// Bounds the whole call. AsyncHTTPClient keeps retrying a refused connection until
    /// then, so an unreachable provider costs this long before `retryable`.
    public static let defaultTimeout: Duration = .seconds(10)
    /// Send APIs answer a small JSON object; more is not read.
    static let maximumAnswerBytes = 1 << 20

    /// POSTs `body` to `url` (a send API answers JSON). `provider` names the API in
    /// reasons; `messageID` finds the sent message's id in a 2xx body. A 2xx whose id cannot
    /// be read is still `sent` (with an empty id): the message went out, and retrying would
    /// send it twice.
    static func post(
        _ url: String, contentType: String, authorization: String?, headers: [(name: String, value: String)] = [], body: [UInt8],
        with client: HTTPClient, timeout: Duration, provider: String, isTransient: ([UInt8]) -> Bool = { _ in false },
        messageID: ([UInt8]) -> String?
    ) async -> ProviderSendOutcome {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "Accept", value: "application/json")
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        for header in headers { request.headers.add(name: header.name, value: header.value) }
        request.body = .bytes(body)
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: TimeAmount(timeout))
        } catch {
            return .retryable(reason: "\(provider) API could not be reached: \(error)")
        }
        // The status decides; a body that cannot be read only loses the id or the reason.
        let answer = (try? await response.body.collect(upTo: maximumAnswerBytes)).map { Array($0.readableBytesView) } ?? []
        return outcome(
            status: Int(response.status.code), body: answer, provider: provider, isTransient: isTransient, messageID: messageID)
    }

    static func outcome(
        status: Int, body: [UInt8], provider: String, isTransient: ([UInt8]) -> Bool = { _ in false },
        messageID: ([UInt8]) -> String?
    ) -> ProviderSendOutcome {
        if (200..<300).contains(status) { return .sent(providerMessageID: messageID(body) ?? "") }
        let reason = "\(provider) API answered \(status)" + (errorText(body).map { ": \($0)" } ?? "")
        if status == 408 || status == 429 || (500..<600).contains(status) || isTransient(body) { return .retryable(reason: reason) }
        return .permanent(reason: reason)
    }

    /// The provider's explanation in an error body: Twilio's `message`, X's `detail` or
    /// `title`, Meta's `error.message` with its `code` and `error_subcode`. At most 300
    /// characters of text.
    static func errorText(_ body: [UInt8]) -> String? {
        struct ErrorBody: Decodable {
            struct Nested: Decodable {
                let message: String?
                let code: Int?
                let error_subcode: Int?
            }
            let message: String?
            let detail: String?
            let title: String?
            let error: Nested?
        }
        guard let decoded = try? JSONDecoder().decode(ErrorBody.self, from: Data(body)) else { return nil }
        guard let text = decoded.message ?? decoded.detail ?? decoded.title ?? decoded.error?.message else { return nil }
        let codes = [decoded.error?.code.map { "code \($0)" }, decoded.error?.error_subcode.map { "subcode \($0)" }].compactMap { $0 }
        return String(text.prefix(300)) + (codes.isEmpty ? "" : " (\(codes.joined(separator: ", ")))")
    }
}
