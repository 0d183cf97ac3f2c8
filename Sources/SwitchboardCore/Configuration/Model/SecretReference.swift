/// A secret named by reference: the environment variable that holds it (spec C2, A1, G5).
///
/// The configuration never holds secret values, so the file can be committed and shared.
/// Resolving the variable is the job of the process that needs the secret, at start.
public struct SecretReference: Sendable, Hashable, CustomStringConvertible {
    /// The name of the environment variable, `[A-Z_][A-Z0-9_]*`.
    public let environmentVariable: String

    public init(environmentVariable: String) {
        self.environmentVariable = environmentVariable
    }

    public var description: String { "{ env: \(environmentVariable) }" }
}
