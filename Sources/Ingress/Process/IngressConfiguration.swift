import Foundation
import Logging
import ProcessRuntime
import SwitchboardCore

/// Start-up configuration of an adapter process.
public enum IngressConfiguration {
    /// Reads and validates the configuration file (ProcessRuntime's `ConfigurationFile`) and
    /// logs its warnings.
    public static func load(path: String, logger: Logger) throws(IngressError) -> SwitchboardConfiguration {
        do {
            let loaded = try ConfigurationFile.load(path: path)
            for warning in loaded.warnings { logger.warning("configuration: \(warning)") }
            return loaded.configuration
        } catch {
            throw IngressError(code: .invalidConfiguration, message: "cannot use configuration file \(path)", cause: error)
        }
    }

    /// The HTTP address of `type`'s adapter: the flag when given, else `processes.ingress.<type>.http`.
    public static func httpAddress(
        for type: ChannelType, in configuration: SwitchboardConfiguration, override: String?
    ) throws(IngressError) -> HTTPAddress {
        if let override {
            guard let address = IngressHTTPServer.address(override) else {
                throw IngressError(code: .invalidConfiguration, message: "--http must be host:port, got \"\(override)\"")
            }
            return address
        }
        guard let process = configuration.processes.ingress[type] else {
            throw IngressError(
                code: .invalidConfiguration,
                message: "no processes.ingress.\(type.rawValue) in the configuration (and no --http given)")
        }
        return process.http
    }
}
