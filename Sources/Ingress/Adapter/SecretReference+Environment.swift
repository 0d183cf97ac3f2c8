import SwitchboardCore

extension SecretReference {
    /// The value of the referenced environment variable. Unset or empty is a start-up error
    /// naming the variable, the configuration field and the channel (never the value).
    func resolve(in environment: [String: String], field: String, channel: String) throws(IngressError) -> [UInt8] {
        guard let value = environment[environmentVariable], !value.isEmpty else {
            throw IngressError(
                code: .missingSecret,
                message: "environment variable \(environmentVariable) (\(field) of channel \(channel)) is not set or empty")
        }
        return Array(value.utf8)
    }
}
