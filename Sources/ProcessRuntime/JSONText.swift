/// JSON string quoting for the few bodies and log lines built by hand (health answers,
/// webhook answers, JSON log lines), where an encoder would be more machinery than the text.
public enum JSONText {
    /// `value` as a JSON string literal, quotes included: `"`, `\` and control characters
    /// escaped (`\n`, `\r`, `\t` by name, the others as `\u00XX`).
    public static func quoted(_ value: String) -> String {
        var escaped = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}
