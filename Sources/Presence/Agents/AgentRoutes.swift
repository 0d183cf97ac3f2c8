import JSONText
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import SwitchboardCore
import Wire

/// The agent-facing HTTP endpoints (agent.md sections 1 and 6) on presence's HTTP address.
public enum AgentRoutes {
    /// Adds `GET /agent/ws` (WebSocket) and the HTTP API to `router`. `commandWait`: how long
    /// `POST /agent/commands` waits for an action's or reply's result before answering 202.
    public static func add(
        to router: Router<BasicWebSocketRequestContext>, coordinator: PresenceCoordinator,
        helloTimeout: Duration = .seconds(5), commandWait: Duration = .seconds(10), logger: Logger
    ) {
        let handler = AgentWebSocketHandler(coordinator: coordinator, helloTimeout: helloTimeout, logger: logger)
        router.ws("agent/ws") { inbound, outbound, _ in
            await handler.run(inbound: inbound, outbound: outbound)
        }
        let api = router.group("agent")
        api.get("state") { request, _ -> Response in
            guard let agentID = authenticatedAgent(request, coordinator) else { return unauthorized() }
            guard let state = await coordinator.state(of: agentID) else { return unauthorized() }
            return json(.ok, await coordinator.agentJSON(state))
        }
        api.post("presence") { request, context -> Response in
            guard let agentID = authenticatedAgent(request, coordinator) else { return unauthorized() }
            let body = try await request.body.collect(upTo: AgentWebSocketHandler.maxFrameSize)
            guard let frame = try? JSONDecoder().decode(PresenceBody.self, from: Data(body.readableBytesView)) else {
                return failure(.badRequest, AgentProtocolError("malformed", "expected {\"presence\": name}"))
            }
            do throws(AgentProtocolError) {
                guard let state = try await coordinator.perform(.setPresence(frame.presence), agentID: agentID) else {
                    return json(.ok, [:])
                }
                return json(.ok, await coordinator.agentJSON(state))
            } catch {
                return failure(.badRequest, error)
            }
        }
        // Every agent command of the WebSocket, as one JSON body (agent.md, "HTTP API"). Actions
        // and replies wait (up to 10 s) for their result and return it.
        api.post("commands") { request, _ -> Response in
            guard let agentID = authenticatedAgent(request, coordinator) else { return unauthorized() }
            let body = try await request.body.collect(upTo: AgentWebSocketHandler.maxFrameSize)
            do throws(AgentProtocolError) {
                let command = try ClientFrame.decode(String(buffer: body)).command()
                switch command {
                case .action, .sendReply:
                    guard let answer = try await coordinator.performAndWait(command, agentID: agentID, limit: commandWait) else {
                        return json(.accepted, ["status": "pending", "reason": "no answer yet; it will reach the agent's socket"])
                    }
                    return json(.ok, answer)
                case .setPresence, .reply, .received:
                    if let state = try await coordinator.perform(command, agentID: agentID) {
                        return json(.ok, await coordinator.agentJSON(state))
                    }
                    return json(.accepted, ["status": "sent"])
                }
            } catch {
                let status: HTTPResponse.Status =
                    switch error.code {
                    case "unavailable": .serviceUnavailable
                    case "unknownOffer": .notFound
                    case "notYourConversation", "notYourQueue": .forbidden
                    default: .badRequest
                    }
                return failure(status, error)
            }
        }
        for (path, decision) in [("accept", OfferDecisionName.accept), ("reject", .reject)] {
            api.post(RouterPath("offers/:offerId/" + path)) { request, context -> Response in
                guard let agentID = authenticatedAgent(request, coordinator) else { return unauthorized() }
                guard let offerID = context.parameters.get("offerId") else {
                    return failure(.badRequest, AgentProtocolError("missingField", "offer id"))
                }
                do throws(AgentProtocolError) {
                    try await coordinator.perform(.reply(offerID: offerID, decision.wire), agentID: agentID)
                    return json(.accepted, ["offerId": .string(offerID)])
                } catch {
                    let status: HTTPResponse.Status = error.code == "unknownOffer" ? .notFound : .serviceUnavailable
                    return failure(status, error)
                }
            }
        }
    }

    private struct PresenceBody: Decodable {
        let presence: String
    }

    private enum OfferDecisionName {
        case accept, reject
        var wire: Wire.OfferDecision { self == .accept ? .accept : .reject }
    }

    /// `Authorization: Bearer <agentId>:<secret>`, checked in constant time.
    private static func authenticatedAgent(_ request: Request, _ coordinator: PresenceCoordinator) -> String? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        let credentials = header.dropFirst("Bearer ".count)
        guard let colon = credentials.firstIndex(of: ":") else { return nil }
        let agentID = String(credentials[..<colon])
        let secret = String(credentials[credentials.index(after: colon)...])
        return coordinator.authenticate(agentID: agentID, secret: secret) ? agentID : nil
    }

    private static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body.text + "\n")))
    }

    private static func unauthorized() -> Response {
        json(.unauthorized, ["error": "unauthorized", "reason": "Authorization: Bearer <agentId>:<secret> required"])
    }

    private static func failure(_ status: HTTPResponse.Status, _ error: AgentProtocolError) -> Response {
        json(status, ["error": .string(error.code), "reason": .string(error.reason)])
    }
}
