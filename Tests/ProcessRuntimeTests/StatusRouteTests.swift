import Foundation
import Hummingbird
import HummingbirdTesting
import SwitchboardCore
import Testing

@testable import ProcessRuntime

/// `GET /status`: the operator secret as a Bearer token (G5), JSON answers.
@Suite struct StatusRouteTests {
    static let reference = SecretReference(environmentVariable: "SWITCHBOARD_OPERATOR_SECRET")
    static let document = OperatorStatus.Presence(
        process: "presence",
        agents: [OperatorStatus.Agent(id: "ada", name: "Ada", presence: "available", basePresence: "available", connected: true, capacityUsed: 1, capacityTotal: 3)])

    func application(environment: [String: String]) -> some ApplicationProtocol {
        let router = Router()
        router.addStatusRoute(secret: OperatorSecret(Self.reference, environment: environment)) { Self.document }
        return Application(router: router)
    }

    func get(_ client: some TestClientProtocol, authorization: String?) async throws -> (HTTPResponse.Status, String, HTTPFields) {
        var headers: HTTPFields = [:]
        if let authorization { headers[.authorization] = authorization }
        return try await client.execute(uri: "/status", method: .get, headers: headers) { response in
            (response.status, String(buffer: response.body), response.headers)
        }
    }

    @Test func theRightBearerGetsTheStatusAsJSON() async throws {
        try await application(environment: ["SWITCHBOARD_OPERATOR_SECRET": "s3cret"]).test(.router) { client in
            for authorization in ["Bearer s3cret", "bearer s3cret"] {
                let (status, body, headers) = try await get(client, authorization: authorization)
                #expect(status == .ok)
                #expect(headers[.contentType] == "application/json")
                #expect(try JSONDecoder().decode(OperatorStatus.Presence.self, from: Data(body.utf8)) == Self.document)
            }
        }
    }

    @Test func noBearerAWrongOneOrAnotherSchemeIs401() async throws {
        try await application(environment: ["SWITCHBOARD_OPERATOR_SECRET": "s3cret"]).test(.router) { client in
            for authorization in [nil, "Bearer s3crex", "Bearer s3cret-and-more", "Bearer s3cre", "Basic czNjcmV0", "s3cret", "Bearer "] {
                let (status, body, headers) = try await get(client, authorization: authorization)
                #expect(status == .unauthorized, "\(authorization ?? "no header")")
                #expect(headers[.wwwAuthenticate] == "Bearer")
                #expect(body.hasPrefix(#"{"error":"#))
                #expect(!body.contains("s3cret"), "a refusal never echoes the secret")
            }
        }
    }

    @Test func withoutAConfiguredSecretStatusIs503WithTheReason() async throws {
        for environment in [[:], ["SWITCHBOARD_OPERATOR_SECRET": ""]] {
            try await application(environment: environment).test(.router) { client in
                let (status, body, _) = try await get(client, authorization: "Bearer anything")
                #expect(status == .serviceUnavailable)
                #expect(body.contains("SWITCHBOARD_OPERATOR_SECRET"))
            }
        }
    }

    @Test func constantTimeEqualsIsPlainEquality() {
        let secret = Array("operator".utf8)
        #expect(OperatorSecret.constantTimeEquals(secret, secret))
        #expect(!OperatorSecret.constantTimeEquals(Array("operatos".utf8), secret))
        #expect(!OperatorSecret.constantTimeEquals(Array("operator".utf8) + Array("operator".utf8), secret))
        #expect(!OperatorSecret.constantTimeEquals(Array("oper".utf8), secret))
        #expect(!OperatorSecret.constantTimeEquals([], secret))
        #expect(!OperatorSecret.constantTimeEquals([], []))
    }
}
