import Foundation
import SwitchboardCore

/// For a demo on a fresh machine: a random value for every secret variable the configuration
/// names that is not set, handed to the children through their environment (never written
/// anywhere). Variables already set are left alone.
enum DemoSecrets {
    static func fill(for configuration: SwitchboardConfiguration, environment: [String: String]) -> [String: String] {
        var generated: [String: String] = [:]
        for reference in configuration.secretReferences where (environment[reference.environmentVariable] ?? "").isEmpty {
            var generator = SystemRandomNumberGenerator()
            generated[reference.environmentVariable] = (0..<16).map { _ in
                let byte = UInt8.random(in: 0...255, using: &generator)
                return (byte < 16 ? "0" : "") + String(byte, radix: 16)
            }.joined()
        }
        return generated
    }
}
