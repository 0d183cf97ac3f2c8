/// A context variable of a work stream (spec W2).
public struct ContextVariable: Sendable, Hashable {
    public let displayName: String
    /// The name rules refer to; derived from the display name when not given.
    public let name: String
    public let type: ContextVariableType
    /// True when `name` was derived from `displayName` rather than written in the file.
    public let nameIsDerived: Bool

    public init(displayName: String, name: String, type: ContextVariableType, nameIsDerived: Bool) {
        self.displayName = displayName
        self.name = name
        self.type = type
        self.nameIsDerived = nameIsDerived
    }

    /// Derives a variable name from a display name, or nil when none can be derived.
    ///
    /// The rule (documented in docs/configuration.md): split the display name into words,
    /// a word being a maximal run of ASCII letters and digits (everything else separates
    /// words and is dropped); lower-case the first word entirely; for every later word,
    /// upper-case its first character and lower-case the rest; join. The result must be a
    /// valid variable name (`[a-z][A-Za-z0-9]*`), so a display name without ASCII letters
    /// or starting with a digit yields nil.
    /// "Customer tier" → `customerTier`, "Order total (USD)" → `orderTotalUsd`.
    public static func derivedName(fromDisplayName displayName: String) -> String? {
        var words: [String] = []
        var current = ""
        for character in displayName.unicodeScalars {
            if character.isASCII, character.properties.isAlphabetic || ("0"..."9").contains(character) {
                current.unicodeScalars.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        guard let first = words.first else { return nil }
        let name = first.lowercased() + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined()
        return ConfigurationSyntax.isVariableName(name) ? name : nil
    }
}

/// The type of a context variable value (W2), which decides the operators rules may use (W3).
public enum ContextVariableType: String, Sendable, Hashable, CaseIterable, ConfigurationEnum {
    case text, number
}
