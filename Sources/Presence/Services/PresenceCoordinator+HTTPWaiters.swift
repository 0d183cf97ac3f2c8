import JSONText
import Foundation

/// The agent HTTP API's answers (agent.md, "HTTP API"): a command sent over HTTP gets a
/// request id of its own, and the frame that answers it (`actionResult`, `replyResult`,
/// `offerReplied`, ...) is handed to the waiting request as well as to the agent's socket.
extension PresenceCoordinator {
    /// Runs `command` and waits up to `limit` for the frame answering it; nil when none came
    /// in time (the outcome still reaches the agent's socket, if connected).
    func performAndWait(_ command: AgentCommand, agentID: String, limit: Duration) async throws(AgentProtocolError) -> JSONValue? {
        let requestID = "http-\(UUID().uuidString.lowercased())"
        let timer = Task { [weak self] in
            try? await Task.sleep(for: limit)
            await self?.answerHTTP(requestID, nil)
        }
        defer { timer.cancel() }
        do {
            if let state = try await perform(command, agentID: agentID, requestID: requestID) {
                return agentJSON(state)
            }
        } catch {
            throw error
        }
        let answer = await withCheckedContinuation { continuation in
            if let early = earlyHTTPAnswers.removeValue(forKey: requestID) {
                continuation.resume(returning: early == .null ? nil : early)
            } else {
                httpWaiters[requestID] = continuation
            }
        }
        // Refused after the fact (e.g. `notYourConversation` once the distributors answered,
        // decisions §23): the same HTTP error as a refusal at once.
        if case .object(let fields)? = answer, fields["type"] == "error", case .string(let code)? = fields["code"] {
            let reason: String
            if case .string(let text)? = fields["reason"] { reason = text } else { reason = code }
            throw AgentProtocolError(code, reason)
        }
        return answer
    }

    /// Called for every frame sent to an agent: an HTTP request waiting for it gets it too.
    func offerToHTTPWaiter(_ frame: JSONValue) {
        guard case .object(let fields) = frame, case .string(let requestID)? = fields["requestId"], requestID.hasPrefix("http-") else {
            return
        }
        answerHTTP(requestID, frame)
    }

    private func answerHTTP(_ requestID: String, _ frame: JSONValue?) {
        if let waiter = httpWaiters.removeValue(forKey: requestID) {
            waiter.resume(returning: frame)
        } else {
            // Answered (or timed out: .null) before the request started waiting.
            earlyHTTPAnswers[requestID] = frame ?? .null
            if earlyHTTPAnswers.count > 10_000 { earlyHTTPAnswers.removeAll() }
        }
    }
}
