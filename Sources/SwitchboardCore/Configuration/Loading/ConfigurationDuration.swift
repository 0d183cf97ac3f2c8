import Foundation

/// Durations as written in the configuration: `90s`, `2m`, `1h30m`, `1d`.
///
/// Units are d, h, m and s, largest first, each at most once; the total must be positive.
/// Bare numbers are refused because their unit would be a guess.
public enum ConfigurationDuration {
    private static let units: [(Character, Int64)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]

    /// The duration written as `text`, or nil when it is not a valid positive duration.
    public static func parse(_ text: String) -> Duration? {
        try? parseWithReason(text).get()
    }

    /// The duration, or the reason the text is not one (used as the reason).
    static func parseWithReason(_ text: String) -> Result<Duration, ConfigurationSyntaxError> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let example = "e.g. 90s, 2m, 1h30m or 1d"
        if trimmed.hasPrefix("-") {
            return .failure(.init(reason: "must be a positive duration, got \(trimmed)"))
        }
        if !trimmed.isEmpty, trimmed.allSatisfy(\.isNumber) {
            return .failure(.init(reason: "must be a duration with a unit (d, h, m, s), \(example); got \(trimmed)"))
        }
        var seconds: Int64 = 0
        var digits = ""
        var nextUnit = 0
        for character in trimmed {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            guard let unitIndex = units.firstIndex(where: { $0.0 == character }), unitIndex >= nextUnit,
                  !digits.isEmpty, digits.count <= 9, let amount = Int64(digits)
            else {
                return .failure(.init(reason: "must be a duration like 90s, 2m, 1h30m or 1d (units d, h, m, s, largest first), got '\(trimmed)'"))
            }
            seconds += amount * units[unitIndex].1
            digits = ""
            nextUnit = unitIndex + 1
        }
        guard digits.isEmpty, !trimmed.isEmpty else {
            return .failure(.init(reason: "must be a duration like 90s, 2m, 1h30m or 1d (units d, h, m, s, largest first), got '\(trimmed)'"))
        }
        guard seconds > 0 else {
            return .failure(.init(reason: "must be a positive duration, got \(trimmed)"))
        }
        return .success(.seconds(seconds))
    }

    /// Formats a whole-second duration the way the file writes it: 150s → "2m30s".
    public static func format(_ duration: Duration) -> String {
        var remaining = duration.components.seconds
        guard remaining > 0 else { return "0s" }
        var text = ""
        for (unit, size) in units where remaining >= size {
            text += "\(remaining / size)\(unit)"
            remaining %= size
        }
        return text
    }
}

/// Why a value text was refused; `reason` becomes a `ConfigurationIssue` reason, never thrown.
struct ConfigurationSyntaxError: Error, Hashable {
    let reason: String
}
