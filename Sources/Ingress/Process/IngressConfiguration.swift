import Foundation
import Logging
import SwitchboardCore

/// Start-up configuration of an adapter process.
public enum IngressConfiguration {
    /// Reads and validates the configuration file. (To be replaced by ProcessRuntime's
    /// `ConfigurationFile.load(path:)` once it lands.)
    public static func load(path: String, logger: Logger) throws(IngressError) -> SwitchboardConfiguration {
        let yaml: String
        do {
            yaml = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw IngressError(code: .invalidConfiguration, message: "cannot read configuration file \(path)", cause: error as NSError)
        }
        switch ConfigurationLoader.load(yaml: yaml, file: path) {
        case .success(let loaded):
            for warning in loaded.warnings { logger.warning("configuration: \(warning)") }
            return loaded.configuration
        case .failure(let error):
            throw IngressError(code: .invalidConfiguration, message: "invalid configuration \(path)", cause: error)
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
