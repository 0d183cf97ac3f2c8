import Foundation

/// ISO 8601 UTC with milliseconds (agent.md: `expiresAt`, `sentAt`).
public enum AgentTime {
    public static func iso8601(ms: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(ms) / 1000)
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    public static func nowMs() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
