import Foundation
import HummingbirdWebSocket
import Logging

/// One agent WebSocket connection (agent.md sections 1–3): `hello` within the deadline,
/// then frames in both directions until either side closes. Bad frames get an `error`
/// frame; only a failed `hello` or a replacement closes the connection.
struct AgentWebSocketHandler: Sendable {
    let coordinator: PresenceCoordinator
    let helloTimeout: Duration
    let logger: Logger
    static let maxFrameSize = 64 * 1024

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        var messages = inbound.messages(maxSize: Self.maxFrameSize).makeAsyncIterator()
        guard let accepted = await awaitHello(&messages, outbound: outbound) else { return }
        let (hello, requestID) = accepted
        let session = await coordinator.openSession(
            agentID: hello.agentID, presence: hello.presence, requestID: requestID, receipts: hello.receipts)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await item in session.outbound {
                    switch item {
                    case .frame(let frame):
                        do { try await outbound.write(.text(frame.text)) } catch { return }
                    case .frameThen(let frame, let receipt):
                        do { try await outbound.write(.text(frame.text)) } catch { return }
                        receipt.written()
                    case .close(let reason):
                        try? await outbound.close(.policyViolation, reason: reason)
                        return
                    }
                }
            }
            await receive(&messages, agentID: hello.agentID, outbound: outbound)
            await coordinator.closeSession(agentID: hello.agentID, sessionID: session.id)
            group.cancelAll()
        }
    }

    private struct Hello {
        let agentID: String
        let presence: String?
        let receipts: Bool
    }

    /// Waits for a valid `hello`; on anything else, or after the deadline, answers
    /// `unauthorized` and closes.
    // `@concurrent`: it iterates a WebSocket stream of a module built without
    // NonisolatedNonsendingByDefault, whose `next()` runs on the generic executor.
    @concurrent private func awaitHello(
        _ messages: inout WebSocketInboundMessageStream.AsyncIterator, outbound: WebSocketOutboundWriter
    ) async -> (Hello, String?)? {
        let deadline = Task {
            try await Task.sleep(for: helloTimeout)
            await refuse(outbound, reason: "no hello within \(helloTimeout)", requestID: nil)
        }
        defer { deadline.cancel() }
        let first: WebSocketMessage?
        do { first = try await messages.next() } catch { return nil }
        guard let first else { return nil }
        guard case .text(let text) = first, let frame = try? ClientFrame.decode(text), frame.type == "hello",
            let agentID = frame.agentId, let secret = frame.secret
        else {
            deadline.cancel()
            await refuse(outbound, reason: "the first frame must be a hello with agentId and secret", requestID: nil)
            return nil
        }
        deadline.cancel()
        guard coordinator.authenticate(agentID: agentID, secret: secret) else {
            logger.notice("agent authentication failed", metadata: ["agent.id": "\(agentID)"])
            await refuse(outbound, reason: "unknown agent or wrong secret", requestID: frame.requestId)
            return nil
        }
        return (Hello(agentID: agentID, presence: frame.presence, receipts: frame.receipts ?? false), frame.requestId)
    }

    private func refuse(_ outbound: WebSocketOutboundWriter, reason: String, requestID: String?) async {
        try? await outbound.write(.text(AgentProtocolError("unauthorized", reason).frame(requestID: requestID).text))
        try? await outbound.close(.policyViolation, reason: "unauthorized")
    }

    @concurrent private func receive(
        _ messages: inout WebSocketInboundMessageStream.AsyncIterator, agentID: String, outbound: WebSocketOutboundWriter
    ) async {
        while true {
            let message: WebSocketMessage?
            do { message = try await messages.next() } catch {
                logger.debug("agent socket ended with an error", metadata: ["agent.id": "\(agentID)", "error": "\(error)"])
                return
            }
            guard let message else { return }
            var requestID: String?
            do throws(AgentProtocolError) {
                guard case .text(let text) = message else {
                    throw AgentProtocolError("unsupportedFrame", "frames are JSON text, not binary")
                }
                let decoded = AgentCommand.decode(frame: text)
                requestID = decoded.requestID
                try await coordinator.perform(try decoded.result.get(), agentID: agentID, requestID: requestID)
            } catch {
                do { try await outbound.write(.text(error.frame(requestID: requestID).text)) } catch { return }
            }
        }
    }
}
