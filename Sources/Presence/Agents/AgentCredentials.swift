import SwitchboardCore

/// Agents' secrets, read from the environment once at start (A1, G5). An agent whose
/// variable is missing or empty cannot log in; the others are not affected.
public struct AgentCredentials: Sendable {
    private let secrets: [String: [UInt8]]
    /// Agents whose secret variable was missing or empty (main logs each one).
    public let unusable: [Agent]

    public init(agents: [Agent], environment: [String: String]) {
        var secrets: [String: [UInt8]] = [:]
        var unusable: [Agent] = []
        for agent in agents {
            if let value = environment[agent.secret.environmentVariable], !value.isEmpty {
                secrets[agent.id] = Array(value.utf8)
            } else {
                unusable.append(agent)
            }
        }
        self.secrets = secrets
        self.unusable = unusable
    }

    /// True when `secret` is the agent's secret. The comparison takes the same time
    /// wherever the first difference is, so timing does not leak the secret.
    public func authenticate(agentID: String, secret: String) -> Bool {
        guard let expected = secrets[agentID] else { return false }
        return Self.constantTimeEquals(expected, Array(secret.utf8))
    }

    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        let length = max(lhs.count, rhs.count)
        for index in 0..<length {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0 && lhs.count == rhs.count
    }
}
