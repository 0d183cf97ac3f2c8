import Foundation
import Logging
import SwitchboardCore

/// The operator secret (spec G5, config `system.operatorSecret`) as this process resolved it
/// from the environment at start, and the check of a request's `Authorization: Bearer`.
///
/// An unset variable does not stop the process: its operator endpoints answer 503 with the
/// reason instead, since routing does not depend on them.
public struct OperatorSecret: Sendable {
    public enum Check: Sendable, Equatable {
        case allowed
        /// 401: no or wrong credentials (the reason never hints at the secret).
        case denied(String)
        /// 503: the process has no operator secret to compare with.
        case unavailable(String)
    }

    private let secret: [UInt8]?
    /// Why the secret is unavailable; nil when it is configured.
    public let unavailableReason: String?

    public init(_ reference: SecretReference, environment: [String: String]) {
        let variable = reference.environmentVariable
        if let value = environment[variable], !value.isEmpty {
            secret = Array(value.utf8)
            unavailableReason = nil
        } else {
            secret = nil
            unavailableReason = "the operator secret is not configured: environment variable \(variable) (system.operatorSecret) is unset or empty"
        }
    }

    /// This process's operator secret, from its environment; warns once when it is missing
    /// (the process still runs; its `/status` answers 503).
    public static func resolve(_ configuration: SwitchboardConfiguration, logger: Logger) -> OperatorSecret {
        let secret = OperatorSecret(configuration.system.operatorSecret, environment: ProcessInfo.processInfo.environment)
        if let reason = secret.unavailableReason {
            logger.warning("operator endpoints disabled", metadata: ["reason": "\(reason)"])
        }
        return secret
    }

    /// Checks an `Authorization` header value (`Bearer <secret>`, scheme case-insensitive).
    public func check(authorization: String?) -> Check {
        guard let secret else { return .unavailable(unavailableReason ?? "the operator secret is not configured") }
        guard let authorization else { return .denied("operator secret required: send Authorization: Bearer <secret>") }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return .denied("the Authorization header must be: Bearer <secret>")
        }
        let presented = Array(parts[1].trimmingCharacters(in: .whitespaces).utf8)
        return Self.constantTimeEquals(presented, secret) ? .allowed : .denied("wrong operator secret")
    }

    /// Equal without an early exit: the time depends on the presented length only, never on
    /// how much of the secret a guess got right.
    static func constantTimeEquals(_ presented: [UInt8], _ secret: [UInt8]) -> Bool {
        var difference = UInt(bitPattern: presented.count ^ secret.count)
        guard !secret.isEmpty else { return false }
        for index in presented.indices {
            difference |= UInt(presented[index] ^ secret[index % secret.count])
        }
        return difference == 0
    }
}
