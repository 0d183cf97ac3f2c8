import Foundation
import Hummingbird

extension Router {
    /// Adds the operator endpoint `GET /status` (spec I4, G5; docs/protocols/operator.md):
    /// 200 with `status()` as JSON for `Authorization: Bearer <operator secret>`, 401 without
    /// it or with a wrong one, 503 when this process has no operator secret. Errors are JSON
    /// `{"error": "..."}`.
    public func addStatusRoute<Status: Encodable & Sendable>(
        secret: OperatorSecret, status: @escaping @Sendable () async -> Status
    ) {
        get("status") { request, _ -> Response in
            switch secret.check(authorization: request.headers[.authorization]) {
            case .unavailable(let reason):
                return StatusResponse.error(.serviceUnavailable, reason)
            case .denied(let reason):
                var response = StatusResponse.error(.unauthorized, reason)
                response.headers[.wwwAuthenticate] = "Bearer"
                return response
            case .allowed:
                return StatusResponse.json(await status())
            }
        }
    }
}

enum StatusResponse {
    static func json(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            var body = try encoder.encode(value)
            body.append(UInt8(ascii: "\n"))
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        } catch {
            return Self.error(.internalServerError, "cannot encode the status: \(error)")
        }
    }

    static func error(_ status: HTTPResponse.Status, _ reason: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "{\"error\":\(JSONText.quoted(reason))}\n")))
    }
}
