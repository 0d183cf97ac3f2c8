/// An enum spelled in the YAML file by its raw value; error messages list every case.
public protocol ConfigurationEnum: CaseIterable, RawRepresentable, Sendable where RawValue == String {}

extension ConfigurationEnum {
    /// "a, b, c", for messages.
    static var allowedValues: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
