import Foundation
import Logging
import ProcessRuntime
import SwitchboardCore

/// A generated system running as child processes (`switchboard bench`, `switchboard chaos`):
/// its configuration file, its data directory, and the children.
struct LaunchedSystem: Sendable {
    let children: ChildPhase
    let configPath: String
    let dataDirectory: String
}

extension BenchTopology {
    /// Writes the configuration into `folder` (data under `folder/data`), checks it as
    /// `switchboard validate` would, and starts every process it asks for, with the secrets in
    /// their environment.
    func launch(in folder: URL, logLevel: Logger.Level, logger: Logger, say: @escaping @Sendable (String) -> Void) throws(BenchError) -> LaunchedSystem {
        let configPath = folder.appendingPathComponent("bench.yaml").path
        let dataDirectory = folder.appendingPathComponent("data").path
        let configuration: SwitchboardConfiguration
        do {
            try yaml(dataDirectory: dataDirectory).write(toFile: configPath, atomically: true, encoding: .utf8)
            configuration = try ConfigurationFile.load(path: configPath).configuration
        } catch let error as ConfigurationFileError {
            throw BenchError(.setupFailed, "the generated configuration is invalid:\n\(error.lines.joined(separator: "\n"))")
        } catch {
            throw BenchError(.setupFailed, "cannot write \(configPath)", cause: error)
        }
        let plan: SystemPlan
        do {
            plan = try SystemPlan(
                configuration: configuration, configPath: configPath, dataDirectory: dataDirectory, logLevel: logLevel,
                binDirectory: try UpCommand.binDirectory())
        } catch {
            throw BenchError(.setupFailed, "cannot plan the processes", cause: error)
        }
        let children = plan.children.map { child in
            var child = child
            child.environment.merge(environment) { _, new in new }
            return child
        }
        say("starting \(children.map(\.name).joined(separator: ", ")) (configuration in \(configPath))")
        return LaunchedSystem(children: ChildPhase(children: children, logger: logger, say: say), configPath: configPath, dataDirectory: dataDirectory)
    }

    /// Every process's `/healthz` address, by process name.
    var healthChecks: [(name: String, address: String)] {
        var checks = [("router", addresses.routerHTTP), ("presence", addresses.presenceHTTP), ("ingress-custom", addresses.customHTTP)]
        if let smsHTTP = addresses.smsHTTP { checks.append(("ingress-sms", smsHTTP)) }
        checks += zip(distributorNames, addresses.distributorHTTP).map { ($0, $1) }
        return checks.map { (name: $0.0, address: $0.1) }
    }
}
